package ai.aimix.gateway;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.arena.Accounts;
import ai.aimix.gateway.arena.Arena;
import ai.aimix.gateway.arena.ArenaBattle;
import ai.aimix.gateway.arena.Experiments;
import ai.aimix.gateway.arena.ForYouLog;
import ai.aimix.gateway.arena.TasteRecommendations;
import ai.aimix.gateway.audio.Download;
import ai.aimix.gateway.kafka.CompactedView;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.tournament.experiment.Experiment;
import ai.aimix.tournament.experiment.ExperimentReport;
import ai.aimix.tournament.taste.TasteProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arena's routes (docs/API.md, "The arena"): who the listener is (a signed cookie, set on their first request),
 * the battle to judge and the next, its audio, the vote and what it reveals, and a league's standings with the lineage
 * of its models and the champion's history.
 */
final class ArenaRoutes {
    /** The listener's cookie: their id and its keyed hash. */
    static final String COOKIE = "aimix_listener";
    /** A listener stays known this long on one browser. */
    static final long COOKIE_MAX_AGE_SECONDS = 365L * 24 * 3600;

    private static final Set<String> VOTE_FIELDS = Set.of("outcome", "listenedMillis");
    /** An evolved child's id ends in -g(generation)-c(index). */
    private static final Pattern GENERATION = Pattern.compile("-g(\\d+)-c\\d+$");

    private final Arena arena;
    private final Accounts accounts;
    private final Experiments experiments;
    private final Clock clock;
    private final KeySeal seal;
    private final CompactedView<RegistryEntry> registry;
    private final CompactedView<Standings> standings;
    private final ObjectMapper json = new ObjectMapper();

    ArenaRoutes(
            Arena arena,
            Accounts accounts,
            Experiments experiments,
            Clock clock,
            KeySeal seal,
            CompactedView<RegistryEntry> registry,
            CompactedView<Standings> standings) {
        this.arena = arena;
        this.accounts = accounts;
        this.experiments = experiments;
        this.clock = clock;
        this.seal = seal;
        this.registry = registry;
        this.standings = standings;
    }

    /**
     * An arena POST changes what a listener's cookie stands for or casts something under it: only with a JSON body,
     * which a page of another site cannot send without the gateway's consent (CORS), so it cannot vote for a listener,
     * or sign them in or out (login CSRF).
     */
    static void requireJson(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            throw new ApiException(
                    ApiError.JSON_REQUIRED, "send the body as Content-Type: application/json (not " + type + ")");
        }
    }

    /** The listener of this request: from their cookie, or a new one (the cookie set on the response). */
    String listener(Context ctx) {
        String id = seal.listener(ctx.cookie(COOKIE));
        if (id == null) {
            id = Arena.newListenerId();
            setCookie(ctx, id);
        }
        return id;
    }

    private void setCookie(Context ctx, String id) {
        ctx.header(
                "Set-Cookie",
                COOKIE + "=" + seal.listenerToken(id) + "; Path=" + Gateway.API + Gateway.ARENA + "; Max-Age="
                        + COOKIE_MAX_AGE_SECONDS + "; HttpOnly; SameSite=Strict");
    }

    private static final Set<String> ACCOUNT_FIELDS = Set.of("name", "password");

    /**
     * {@code POST /arena/account} {@code {name, password}}: a named account for this listener (their votes and taste
     * so far go with it); {@code POST /arena/sign-in} with the same body: this browser becomes the account's listener;
     * {@code POST /arena/sign-out}: a new anonymous listener.
     */
    ObjectNode account(Context ctx, JsonNode body, boolean create) throws IOException {
        requireJson(ctx);
        if (body == null || !body.isObject()) {
            throw new ApiException(ApiError.INVALID_ACCOUNT, "the body must be a JSON object {name, password}");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!ACCOUNT_FIELDS.contains(f)) {
                throw new ApiException(ApiError.INVALID_ACCOUNT, "/" + f + ": unknown field");
            }
        });
        String name = body.path("name").asText(null);
        String password = body.path("password").asText(null);
        String id;
        try {
            if (create) {
                id = listener(ctx);
                accounts.create(name, password, id);
            } else {
                id = accounts.signIn(name, password);
                setCookie(ctx, id);
            }
        } catch (Accounts.Refused e) {
            throw new ApiException(
                    create ? (e.taken ? ApiError.ACCOUNT_TAKEN : ApiError.INVALID_ACCOUNT) : ApiError.SIGN_IN_FAILED,
                    e.getMessage());
        }
        ObjectNode out = json.createObjectNode();
        out.put("name", name);
        out.put("listener", id);
        out.put("votes", arena.votes(id));
        return out;
    }

    /** {@code POST /arena/sign-out}: this browser becomes a new anonymous listener. */
    ObjectNode signOut(Context ctx) {
        requireJson(ctx);
        String id = Arena.newListenerId();
        setCookie(ctx, id);
        return json.createObjectNode().put("listener", id);
    }

    /** {@code GET /arena}: the listener, their votes, the leagues and how much listening a vote needs. */
    ObjectNode home(Context ctx) {
        String me = listener(ctx);
        ObjectNode out = json.createObjectNode();
        out.put("listener", me);
        out.put("votes", arena.votes(me));
        ArrayNode leagues = out.putArray("leagues");
        arena.leagues().forEach(leagues::add);
        out.put("minListenShare", arena.settings().minListenShare());
        out.set("battles", arena.status());
        return out;
    }

    /** {@code GET /arena/next?league=}: the battle to judge, and the next one to preload. */
    ObjectNode next(Context ctx) {
        String me = listener(ctx);
        String league = ctx.queryParam("league");
        Arena.Offer o = arena.next(me, league == null ? arena.leagues().get(0) : league);
        ObjectNode out = json.createObjectNode();
        out.put("listener", me);
        out.put("votes", arena.votes(me));
        out.set(
                "battle",
                battle(o.current()).put("offeredAtMillis", o.sinceMillis()).put("neededMillis", o.neededMillis()));
        if (o.upcoming() != null) {
            out.set("next", battle(o.upcoming()));
        } else {
            out.putNull("next");
        }
        return out;
    }

    /** What a listener may know of a battle before voting: no models, nothing that tells a check apart. */
    private ObjectNode battle(ArenaBattle b) {
        String base = Gateway.API + Gateway.ARENA + "/battles/" + b.id();
        ObjectNode o = json.createObjectNode();
        o.put("id", b.id());
        o.put("league", b.league());
        o.put("audioMillis", b.audioMillis());
        o.put("a", base + "/audio/A");
        o.put("b", base + "/audio/B");
        o.put("vote", base + "/votes");
        return o;
    }

    /** {@code GET /arena/battles/{id}/audio/{A|B}}: one side, loudness-matched, as 16-bit WAV. */
    Download audio(Context ctx) throws IOException {
        Variant side = side(ctx.pathParam("side"));
        return Download.file(arena.audio(ctx.pathParam("id"), side), "audio/wav", "wav");
    }

    private static Variant side(String s) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "A" -> Variant.A;
            case "B" -> Variant.B;
            default -> throw new ApiException(ApiError.INVALID_PARAMETER, "side '" + s + "': A or B");
        };
    }

    /**
     * {@code POST /arena/battles/{id}/votes} {@code {outcome, listenedMillis: {a, b}}}: the listener's verdict, and the
     * reveal.
     */
    ObjectNode vote(Context ctx, JsonNode body) {
        requireJson(ctx);
        String me = listener(ctx);
        if (body == null || !body.isObject()) {
            throw new ApiException(ApiError.INVALID_VOTE, "the body must be a JSON object {outcome, listenedMillis}");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!VOTE_FIELDS.contains(f)) {
                throw new ApiException(ApiError.INVALID_VOTE, "/" + f + ": unknown field; expected " + VOTE_FIELDS);
            }
        });
        VoteOutcome outcome;
        try {
            outcome = VoteOutcome.valueOf(body.path("outcome").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiError.INVALID_VOTE, "/outcome: one of A, B, TIE, BOTH_BAD");
        }
        JsonNode heard = body.path("listenedMillis");
        if (!heard.path("a").canConvertToLong() || !heard.path("b").canConvertToLong()) {
            throw new ApiException(
                    ApiError.INVALID_VOTE, "/listenedMillis: {a, b}, the milliseconds each mix was heard");
        }
        Arena.Reveal r = arena.vote(
                me,
                ctx.pathParam("id"),
                outcome,
                heard.path("a").asLong(),
                heard.path("b").asLong());
        ObjectNode out = json.createObjectNode();
        out.put("battle", r.battle().id());
        out.put("outcome", r.outcome().name());
        out.put("modelA", r.battle().modelA());
        out.put("modelB", r.battle().modelB());
        out.put("song", r.battle().song());
        out.put("kind", r.battle().probe() ? "taste" : r.battle().forYou() ? "for-you" : "battle");
        out.put("listenedMillis", r.listenedMillis());
        out.put("votes", r.votes());
        return out;
    }

    /**
     * {@code GET /arena/taste}: what the listener's answers to taste probes say of their taste — per role the preferred
     * level against the model's mix with its error — and {@code roleGainsDb}, the offsets "mixed for you" applies
     * (only those at least two errors from no change; empty while the taste is unclear).
     */
    ObjectNode taste(Context ctx) {
        String me = listener(ctx);
        ObjectNode out = json.createObjectNode();
        out.put("arena", true);
        out.put("listener", me);
        out.put("answers", arena.tasteAnswers(me));
        ObjectNode gains = json.createObjectNode();
        TasteProfile p = arena.taste(me);
        if (p == null) {
            out.putNull("profile");
        } else {
            ObjectNode o = out.putObject("profile");
            o.put("description", p.describe());
            ArrayNode roles = o.putArray("roles");
            for (int r = 0; r < TasteProfile.ROLES.size(); r++) {
                String role = TasteProfile.ROLES.get(r).name();
                roles.addObject()
                        .put("role", role)
                        .put("preferredDb", Math.round(p.preferredDb()[r] * 10) / 10.0)
                        .put("errorDb", Math.round(p.errorDb()[r] * 10) / 10.0)
                        .put("applyDb", Math.round(p.applyDb()[r] * 10) / 10.0);
                if (p.applyDb()[r] != 0) {
                    gains.put(role, Math.round(p.applyDb()[r] * 10) / 10.0);
                }
            }
        }
        out.set("roleGainsDb", gains);
        ArrayNode suggestions = out.putArray("recommendations");
        for (TasteRecommendations.Suggestion x : TasteRecommendations.of(p)) {
            suggestions.addObject().put("preset", x.preset()).put("because", x.because());
        }
        ObjectNode arms = out.putObject("experiments");
        for (Experiment e : experiments.running()) {
            arms.put(e.name(), e.arm(me));
        }
        return out;
    }

    /**
     * {@code GET /arena/for-you}: how listeners judged their personalised mixes against the model's in for-you battles
     * (the share the personalised mix won, ties half, with its 95 % interval).
     */
    ObjectNode forYou() throws IOException {
        ForYouLog.Summary f = arena.forYouLog().summary();
        ObjectNode out = json.createObjectNode();
        out.put("battles", f.battles());
        out.put("listeners", f.listeners());
        if (f.battles() > 0) {
            out.put("personalisedWon", Math.round(f.share() * 1e4) / 1e4);
            out.put("lower", Math.round(f.lower() * 1e4) / 1e4);
            out.put("upper", Math.round(f.upper() * 1e4) / 1e4);
        }
        return out;
    }

    /** What {@code GET /arena/taste} answers on a gateway without an arena: no profile, nothing to apply. */
    static ObjectNode noTaste(ObjectMapper json) {
        ObjectNode out = json.createObjectNode();
        out.put("arena", false);
        out.putNull("listener");
        out.put("answers", 0);
        out.putNull("profile");
        out.putObject("roleGainsDb");
        out.putArray("recommendations");
        out.putObject("experiments");
        return out;
    }

    private static final Set<String> EVENT_FIELDS = Set.of("event");

    /** {@code POST /arena/experiments/{name}/events} {@code {event}}: what the listener saw or did, in their arm. */
    ObjectNode experimentEvent(Context ctx, JsonNode body) {
        requireJson(ctx);
        String me = listener(ctx);
        Experiment e = experiment(ctx);
        if (body == null || !body.isObject()) {
            throw new ApiException(ApiError.INVALID_EXPERIMENT_EVENT, "the body must be a JSON object {event}");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!EVENT_FIELDS.contains(f)) {
                throw new ApiException(ApiError.INVALID_EXPERIMENT_EVENT, "/" + f + ": unknown field");
            }
        });
        Experiments.Event event;
        try {
            event = Experiments.Event.valueOf(body.path("event").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw new ApiException(ApiError.INVALID_EXPERIMENT_EVENT, "/event: one of exposed, kept, reshaped");
        }
        String arm = experiments.record(e, me, event, clock.millis());
        ObjectNode out = json.createObjectNode();
        out.put("experiment", e.name());
        out.put("arm", arm);
        out.put("event", event.name().toLowerCase(Locale.ROOT));
        return out;
    }

    /** {@code GET /arena/experiments/{name}}: the report so far. */
    ObjectNode experimentReport(Context ctx) throws IOException {
        Experiment e = experiment(ctx);
        Experiments.Report full = experiments.report(e, clock.millis());
        ExperimentReport r = full.report();
        ObjectNode out = json.createObjectNode();
        out.put("experiment", e.name());
        out.put("control", e.arms().get(0));
        ObjectNode arms = out.putObject("arms");
        r.arms().forEach((name, a) -> {
            ObjectNode o = arms.putObject(name);
            o.put("exposed", a.exposed());
            o.put("kept", a.outcomes());
            if (a.exposed() > 0) {
                o.put("rate", Math.round(a.rate() * 1e4) / 1e4);
            }
        });
        ObjectNode effects = out.putObject("effects");
        r.effects().forEach((name, f) -> {
            if (!Double.isNaN(f.difference())) {
                effects.putObject(name)
                        .put("difference", Math.round(f.difference() * 1e4) / 1e4)
                        .put("lower", Math.round(f.lower() * 1e4) / 1e4)
                        .put("upper", Math.round(f.upper() * 1e4) / 1e4)
                        .put("p", f.p());
            }
        });
        out.put("pending", full.pending());
        out.put("outcomeWindowMinutes", Experiments.OUTCOME_WINDOW.toMinutes());
        out.put("decision", r.decision());
        out.put("look", r.look());
        out.put("minPerArm", Experiments.MIN_PER_ARM);
        out.put("maxPerArm", Experiments.MAX_PER_ARM);
        out.put("alpha", Experiments.ALPHA);
        return out;
    }

    private Experiment experiment(Context ctx) {
        Experiment e = experiments.get(ctx.pathParam("name"));
        if (e == null) {
            throw new ApiException(
                    ApiError.EXPERIMENT_NOT_FOUND,
                    "no experiment '" + ctx.pathParam("name") + "' is running; "
                            + experiments.running().stream()
                                    .map(Experiment::name)
                                    .toList());
        }
        return e;
    }

    /**
     * {@code GET /arena/leagues/{league}}: its standings (ratings with 95 % intervals, votes), each model's lineage
     * (operation, parents, generation) and status, the champion and its predecessors. Which voters are flagged is not
     * said (a flagged voter is not told); how many is.
     */
    ObjectNode league(Context ctx) {
        String league = ctx.pathParam("league");
        Standings s = standings.get(league);
        Map<String, ModelDescriptor> descriptors = new HashMap<>();
        ChampionAlias champion = null;
        for (RegistryEntry e : registry.snapshot().values()) {
            if (e.getPayload() instanceof ModelDescriptor d) {
                descriptors.put(d.getModelId(), d);
            } else if (e.getPayload() instanceof ChampionAlias c
                    && c.getLeague().equals(league)) {
                champion = c;
            }
        }
        if (s == null && champion == null) {
            throw new ApiException(
                    ApiError.LEAGUE_NOT_FOUND, "league '" + league + "' has neither standings nor a champion yet");
        }
        ObjectNode out = json.createObjectNode();
        out.put("league", league);
        out.put("votes", s == null ? 0 : s.getVotes());
        if (s != null) {
            out.put("computedAtMillis", s.getComputedAtMillis());
        }
        out.put("flaggedVoters", s == null ? 0 : s.getFlaggedVoters().size());
        ArrayNode models = out.putArray("models");
        if (s != null) {
            for (ModelStanding m : s.getModels()) {
                ObjectNode o = models.addObject();
                o.put("modelId", m.getModelId());
                o.put("rating", Math.round(m.getRating() * 10) / 10.0);
                o.put("lower", Math.round(m.getLower() * 10) / 10.0);
                o.put("upper", Math.round(m.getUpper() * 10) / 10.0);
                o.put("votes", m.getVotes());
                o.put("rank", m.getRank());
            }
        }
        ArrayNode lineage = out.putArray("lineage");
        for (ModelDescriptor d : descriptors.values()) {
            ObjectNode o = lineage.addObject();
            o.put("modelId", d.getModelId());
            o.put("operation", d.getLineage().getOperation());
            ArrayNode parents = o.putArray("parents");
            d.getLineage().getParents().forEach(parents::add);
            Matcher g = GENERATION.matcher(d.getModelId());
            if (g.find()) {
                o.put("generation", Integer.parseInt(g.group(1)));
            } else {
                o.putNull("generation");
            }
            o.put("status", d.getStatus().name());
            o.put("precision", d.getPrecision().name());
            o.put("createdAtMillis", d.getCreatedAtMillis());
        }
        if (champion != null) {
            ObjectNode c = out.putObject("champion");
            c.put("modelId", champion.getModelId());
            c.put("changedAtMillis", champion.getChangedAtMillis());
            if (champion.getReason() != null) {
                c.put("reason", champion.getReason());
            }
            ArrayNode history = c.putArray("history"); // oldest first, the current last
            champion.getPrevious().forEach(history::add);
            history.add(champion.getModelId());
        } else {
            out.putNull("champion");
        }
        return out;
    }
}
