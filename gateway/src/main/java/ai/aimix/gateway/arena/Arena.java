package ai.aimix.gateway.arena;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.dsp.filter.Biquad;
import ai.aimix.dsp.filter.BiquadCascade;
import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.audio.StemAudio;
import ai.aimix.gateway.audio.VariantAudio;
import ai.aimix.gateway.mix.MixState;
import ai.aimix.schema.Battle;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.auth.BattleSeals;
import ai.aimix.schema.auth.VoterTokens;
import ai.aimix.schema.codec.Contract;
import ai.aimix.tournament.BradleyTerry;
import ai.aimix.tournament.PairScheduler;
import ai.aimix.tournament.VoteChecks;
import ai.aimix.tournament.taste.TasteProbe;
import ai.aimix.tournament.taste.TasteProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening arena: battles mixed ahead of demand, offered to listeners, and their votes sent signed to
 * tournament.votes.
 *
 * <p><b>Battles.</b> Per league the arena keeps {@link ArenaSettings#buffer()} battles on offer (not yet full), plus one
 * more for each listener who has heard every battle on offer: such a listener is asked for while they still judge
 * their current battle (the page preloads the next), so the next is mixed before they need it. Which two versions a
 * battle pits comes from the tournament's {@link PairScheduler} on the league's published standings (close ratings,
 * wide intervals first); the song from the {@link SongPool}. A battle is an ordinary BATTLE mix request through this
 * gateway's own mixes (stems uploaded as a client's are), so the mix job mixes it with both versions from one mel
 * pass. Once mixed, both variants are matched to the same integrated loudness (the louder turned down to the quieter:
 * nothing is raised into the limiter), written as 16-bit WAV files of the same length, and the battle is published
 * with its sealed check. A share of battles ({@link ArenaSettings#checkShare()}) is followed by an attention check: one
 * battle's variant A against a copy of it muffled by 24 dB above 1.5 kHz, loudness-matched too, sides at random; the
 * seal says which side every attentive listener picks, and only the tournament job opens it.
 *
 * <p><b>Listeners</b> are ids the gateway gave (a signed cookie), never ones a client chooses. Each has a current
 * battle and a next one (preloaded). A vote counts only on the listener's current battle, once, and only after both
 * mixes were heard for at least half the needed listening each ({@link ArenaSettings#neededMillis}) and the listening
 * claimed fits in the time since the battle was offered to them: the arena measures the bound, the page reports the
 * split. The vote goes to tournament.votes with the listener's id and a token signed with the tournament's key, where
 * the job's own checks (rate limit, voter screen) apply as to any vote. A flagged voter is not told.
 */
public final class Arena implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Arena.class);
    /** A full battle's files stay this long for listeners who were offered it before it filled. */
    static final long FULL_GRACE_MILLIS = 10 * 60_000L;
    /** Listeners idle this long are forgotten (their votes are on the topic; they get a new current battle). */
    static final long LISTENER_IDLE_MILLIS = 24 * 3_600_000L;
    /** Extra battles asked for by listeners who had heard every one on offer, at most, per league. */
    static final int MAX_WANTED = 8;
    /** Muffling of an attention check's damaged copy: a high shelf at this frequency... */
    static final double CHECK_SHELF_HZ = 1500;
    /** ... of this gain. */
    static final double CHECK_SHELF_DB = -24;
    /**
     * A listener whose taste "Mixed for you" acts on gets a for-you battle every this many votes: their personalised
     * mix of a recent battle's song against the model's own, sides at random — the preference between the two,
     * measured on real traffic (`GET /arena/for-you`).
     */
    static final int FOR_YOU_EVERY = 5;
    /** Listeners seen within this long are the ones for-you battles are made for. */
    static final long FOR_YOU_ACTIVE_MILLIS = 10 * 60_000L;
    /** The offered songs' directory, under the arena's. */
    static final String SONGS_DIRECTORY = "songs";
    /** An offered song shorter than this is not kept: too short to judge a mix by. */
    static final double MIN_OFFER_SECONDS = 4;
    /** How often the population's taste is refitted (and other replicas' answers and offered songs read). */
    static final long TASTE_REFRESH_MILLIS = 30_000;
    /** The label of an attention check's sides (they are not models). */
    static final String INTACT = "intact";

    static final String DAMAGED = "damaged";

    private static final SecureRandom RANDOM_IDS = new SecureRandom();

    /** Makes a battle's mix the way a client's is made: created, then its stems uploaded as WAV. */
    public interface Mixer {
        /** A new mix from a create-mix body (docs/API.md). */
        MixState create(JsonNode body);

        /** Stem {@code stem} of {@code m} as a WAV file. */
        void upload(MixState m, int stem, byte[] wav) throws IOException;

        /** A completed mix rendered again as a render body says (docs/API.md): interleaved stereo samples. */
        float[] render(MixState m, JsonNode body) throws IOException;
    }

    /** Sends a record keyed by battle id and waits until the broker has it. */
    public interface Sender {
        void send(String topic, String key, byte[] value) throws Exception;
    }

    /** What the arena reads of the service: the registry, the standings and evolution, as the gateway follows them. */
    public interface Views {
        Map<String, RegistryEntry> registry();

        Standings standings(String league);

        EvolutionEvent evolution(String league);
    }

    private final ArenaSettings settings;
    private final Clock clock;
    private final Path dir;
    private final Mixer mixer;
    private final Sender sender;
    private final Views views;
    private final TasteBook tastes;
    private final ForYouLog forYouLog;
    private long tastesRefreshedAt;
    private final SongPool pool;
    private final SplittableRandom random;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, League> leagues = new ConcurrentHashMap<>();
    private final Map<String, ArenaBattle> battles = new ConcurrentHashMap<>();
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final AtomicInteger made = new AtomicInteger();
    /** Each listener's for-you battle waiting for their vote (offered to them alone). */
    private final Map<String, ArenaBattle> personal = new ConcurrentHashMap<>();
    /** The last battle published: its mix is what for-you battles are rendered from (while the mix is kept). */
    private volatile Pending lastPublished;

    private final String prefix;

    /** One league's battles: on offer, and being mixed. */
    private static final class League {
        final List<ArenaBattle> offered = new CopyOnWriteArrayList<>();
        final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
        final AtomicInteger wanted = new AtomicInteger();
        volatile String why = "the first battles are being mixed";
    }

    /** A battle being mixed. */
    private record Pending(
            String id,
            String league,
            SongPool.Song song,
            String modelA,
            String modelB,
            MixState mix,
            long startedAtMillis) {}

    /** A listener's place in the arena. */
    private static final class Listener {
        ArenaBattle current;
        long currentSince;
        ArenaBattle upcoming;
        long lastSeen;
        int votes;
        /** Their votes when their next for-you battle is due. */
        int forYouAt = FOR_YOU_EVERY;
    }

    /** What a listener is offered: the battle to judge, since when, and the next one to preload (or null). */
    public record Offer(ArenaBattle current, long sinceMillis, ArenaBattle upcoming, long neededMillis) {}

    public Arena(
            ArenaSettings settings, Clock clock, Path dir, TasteBook tastes, Mixer mixer, Sender sender, Views views)
            throws IOException {
        this.tastes = tastes;
        this.forYouLog = new ForYouLog(tastes.directory());
        this.settings = settings;
        this.clock = clock;
        this.dir = Files.createDirectories(dir);
        this.mixer = mixer;
        this.sender = sender;
        this.views = views;
        this.pool = SongPool.of(
                settings.poolSongs(),
                settings.songSeconds(),
                settings.sampleRate(),
                settings.seed(),
                dir.resolve(SONGS_DIRECTORY));
        this.random = new SplittableRandom(settings.seed() ^ System.nanoTime());
        // battle ids of one arena run: its own prefix, so two replicas or two runs never reuse an id
        byte[] b = new byte[4];
        RANDOM_IDS.nextBytes(b);
        this.prefix = "arena-" + HexFormat.of().formatHex(b) + "-";
        for (String l : settings.leagues()) {
            leagues.put(l, new League());
        }
    }

    public ArenaSettings settings() {
        return settings;
    }

    public SongPool pool() {
        return pool;
    }

    // ------------------------------------------------------------------------------------------- the battles

    /** One round of the scheduler: battles closed or full are dropped, mixed ones published, the buffer topped up. */
    public synchronized void tick() {
        long now = clock.millis();
        for (Map.Entry<String, League> e : leagues.entrySet()) {
            League l = e.getValue();
            retire(l, now);
            collect(l, now);
            int target = settings.buffer() + Math.min(MAX_WANTED, l.wanted.get());
            while (l.offered.stream().filter(x -> !x.full()).count() + l.pending.size() < target) {
                if (!start(e.getKey(), l, now)) {
                    break;
                }
            }
        }
        listeners.values().removeIf(x -> now - x.lastSeen > LISTENER_IDLE_MILLIS);
        personal.values().removeIf(b -> {
            boolean gone = b.closed(now) || b.hasVoted(b.only);
            if (gone) {
                battles.remove(b.id());
                try {
                    b.delete();
                } catch (IOException ex) {
                    LOG.warn("Could not delete the audio of battle {}: {}", b.id(), ex.toString());
                }
            }
            return gone;
        });
        makeForYou(now);
        if (now - tastesRefreshedAt > TASTE_REFRESH_MILLIS) {
            tastesRefreshedAt = now;
            try {
                tastes.refresh();
                pool.reload();
                sweep(now);
            } catch (RuntimeException | IOException ex) {
                LOG.warn("The listeners' tastes or the offered songs were not read again: {}", ex.toString());
            }
        }
    }

    /**
     * Deletes battle audio no battle on offer here owns and older than any battle lives: what a replica that stopped
     * (or crashed) left in the shared directory, whatever its prefix.
     */
    private void sweep(long now) throws IOException {
        long oldest = now - settings.lifetime().toMillis() - FULL_GRACE_MILLIS;
        Set<Path> mine = new HashSet<>();
        for (ArenaBattle b : battles.values()) {
            mine.add(b.a);
            mine.add(b.b);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".wav")
                        && !mine.contains(f)
                        && Files.getLastModifiedTime(f).toMillis() < oldest) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private void retire(League l, long now) {
        for (ArenaBattle b : l.offered) {
            boolean gone = b.closed(now) || (b.full() && now - b.fullAtMillis() > FULL_GRACE_MILLIS);
            if (gone) {
                l.offered.remove(b);
                battles.remove(b.id());
                try {
                    b.delete();
                } catch (IOException ex) {
                    LOG.warn("Could not delete the audio of battle {}: {}", b.id(), ex.toString());
                }
            }
        }
    }

    private void collect(League l, long now) {
        for (Iterator<Pending> it = l.pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            MixState.Status s = p.mix.status();
            if (s == MixState.Status.COMPLETED) {
                it.remove();
                try {
                    publish(l, p, now);
                    l.wanted.updateAndGet(w -> Math.max(0, w - 1));
                } catch (Exception ex) {
                    LOG.warn(
                            "Battle {} ({} vs {}) was mixed but not offered: {}",
                            p.id,
                            p.modelA,
                            p.modelB,
                            ex.toString());
                    l.why = "a battle could not be published: " + ex.getMessage();
                }
            } else if (s == MixState.Status.FAILED
                    || now - p.startedAtMillis > settings.mixTimeout().toMillis()) {
                it.remove();
                String why = s == MixState.Status.FAILED ? "failed" : "timed out";
                LOG.warn("Battle {} ({} vs {}): its mix {} {}", p.id, p.modelA, p.modelB, p.mix.id, why);
                l.why = "the last battle's mix " + why;
            }
        }
    }

    /** Starts mixing one battle of {@code league}; false when it cannot (too few models, or the mix was refused). */
    private boolean start(String league, League l, long now) {
        List<String> models = contenders(league);
        if (models.size() < 2) {
            l.why = "league " + league + " has " + models.size() + " model version(s); a battle needs two";
            return false;
        }
        String[] pair = PairScheduler.next(models, fit(league), random);
        SongPool.Song song = pool.draw(random);
        String id = prefix + made.incrementAndGet();
        List<StemInput> stems;
        try {
            stems = song.generate();
        } catch (IOException ex) {
            LOG.warn("Song {} could not be read for battle {}: {}", song.id(), id, ex.toString());
            l.why = "a song could not be read: " + ex.getMessage();
            return false;
        }
        ObjectNode body = json.createObjectNode();
        body.put("sampleRate", song.sampleRate());
        ArrayNode specs = body.putArray("stems");
        for (StemInput s : stems) {
            specs.addObject().put("name", s.name).put("role", s.role.name()).put("channels", s.channels());
        }
        body.putObject("model")
                .put("mode", "BATTLE")
                .put("version", pair[0])
                .put("opponent", pair[1])
                .put("league", league);
        body.put("seconds", song.seconds());
        body.put("client", "arena " + id);
        try {
            MixState m = mixer.create(body);
            for (int i = 0; i < stems.size(); i++) {
                ByteArrayOutputStream wav = new ByteArrayOutputStream();
                Wav.write(wav, stems.get(i).audio, Wav.Encoding.FLOAT_32);
                mixer.upload(m, i, wav.toByteArray());
            }
            l.pending.add(new Pending(id, league, song, pair[0], pair[1], m, now));
            return true;
        } catch (ApiException | IOException ex) {
            LOG.warn("Battle {} ({} vs {}) could not be started: {}", id, pair[0], pair[1], ex.getMessage());
            l.why = "a battle's mix could not be started: " + ex.getMessage();
            return false;
        }
    }

    /** The versions battles of {@code league} are between (see {@link ArenaSettings#models()}). */
    List<String> contenders(String league) {
        if (!settings.models().isEmpty()) {
            return settings.models();
        }
        EvolutionEvent e = views.evolution(league);
        if (e != null && e.getMembers().size() >= 2) {
            return List.copyOf(e.getMembers());
        }
        List<String> out = new ArrayList<>();
        for (RegistryEntry r : views.registry().values()) {
            if (r.getPayload() instanceof ModelDescriptor d && d.getStatus() != ModelStatus.RETIRED) {
                out.add(d.getModelId());
            }
        }
        return out;
    }

    /** The league's published ratings as the scheduler weighs them (none yet: every pair as uncertain). */
    private BradleyTerry.Fit fit(String league) {
        Standings s = views.standings(league);
        if (s == null) {
            return null;
        }
        List<BradleyTerry.Rating> ratings = new ArrayList<>();
        for (ModelStanding m : s.getModels()) {
            ratings.add(BradleyTerry.Rating.fromElo(
                    m.getModelId(), m.getRating(), m.getLower(), m.getUpper(), m.getVotes(), m.getRank()));
        }
        return new BradleyTerry.Fit(ratings, 0, true);
    }

    /** A mixed battle: both variants checked, matched, written, published; sometimes a check and a probe after it. */
    private void publish(League l, Pending p, long now) throws Exception {
        MixState m = p.mix;
        for (VariantResult v : m.result().getVariants()) {
            String expected = v.getVariant() == Variant.A ? p.modelA : p.modelB;
            if (!expected.equals(v.getModelVersion())) {
                throw new IllegalStateException(
                        "variant " + v.getVariant() + " was mixed by " + v.getModelVersion() + ", not " + expected);
            }
        }
        int rate = m.audio.variant(Variant.A).sampleRate();
        float[] a = read(m.audio.variant(Variant.A));
        Sides s = matched(p.id, a, read(m.audio.variant(Variant.B)), rate);
        offer(l, publish(battle(p.id, p, p.modelA, p.modelB, s, List.of(), now), null, s));
        lastPublished = p;
        LOG.info(
                "Battle {} of league {}: {} vs {} on {}, matched to {} LUFS ({} / {} dB)",
                p.id,
                p.league,
                p.modelA,
                p.modelB,
                p.song.id(),
                round(s.lufs),
                round(s.gainA),
                round(s.gainB));
        if (random.nextDouble() < settings.checkShare()) {
            boolean intactFirst = random.nextBoolean();
            float[] damaged = muffled(a, rate);
            String id = prefix + made.incrementAndGet(); // numbered like any battle: nothing tells it apart
            Sides c = matched(id, intactFirst ? a : damaged, intactFirst ? damaged : a, rate);
            Battle check =
                    battle(id, p, intactFirst ? INTACT : DAMAGED, intactFirst ? DAMAGED : INTACT, c, List.of(), now);
            offer(l, publish(check, intactFirst ? VoteOutcome.A : VoteOutcome.B, c));
        }
        if (random.nextDouble() < settings.tasteShare()) {
            offer(l, probe(p, rate, now));
        }
    }

    /**
     * A taste probe of a battle's song ({@link TasteProbe}): variant A's mix rendered again with one role (vocals,
     * drums or bass) at two levels, loudness-matched as a battle's sides are, so only the role's balance differs.
     */
    private ArenaBattle probe(Pending p, int rate, long now) throws Exception {
        TasteProbe probe = TasteProbe.draw(random);
        String name = TasteProfile.ROLES.get(probe.role()).name();
        double da = probe.offsetsA()[probe.role()];
        double db = probe.offsetsB()[probe.role()];
        String id = prefix + made.incrementAndGet();
        Sides s = matched(id, render(p, Map.of(name, da)), render(p, Map.of(name, db)), rate);
        String what = name.toLowerCase(Locale.ROOT);
        Battle battle = battle(id, p, label(what, da, p.modelA), label(what, db, p.modelA), s, List.of(), now);
        LOG.info("Taste probe {} of {}: {} vs {}", id, p.song.id(), battle.getModelA(), battle.getModelB());
        return ArenaBattle.probe(battle, s.a, s.b, probe.offsetsA(), probe.offsetsB());
    }

    /** One for-you battle, for the first active listener due one (one a round: rendering takes a moment). */
    private void makeForYou(long now) {
        Pending p = lastPublished;
        if (p == null || p.mix.status() != MixState.Status.COMPLETED) {
            return;
        }
        for (Map.Entry<String, Listener> e : listeners.entrySet()) {
            String voter = e.getKey();
            Listener me = e.getValue();
            if (personal.containsKey(voter) || now - me.lastSeen > FOR_YOU_ACTIVE_MILLIS || me.votes < me.forYouAt) {
                continue;
            }
            // due or not, looked at again only after another FOR_YOU_EVERY votes (not every round)
            me.forYouAt = me.votes + FOR_YOU_EVERY;
            TasteProfile t = tastes.profile(voter);
            if (t == null || Arrays.stream(t.applyDb()).allMatch(x -> x == 0)) {
                continue;
            }
            try {
                personal.put(voter, forYou(p, voter, t, now));
            } catch (Exception ex) {
                LOG.warn("No for-you battle for {}: {}", voter, ex.toString());
            }
            return;
        }
    }

    /** The listener's personalised mix of {@code p}'s song (variant A with their offsets) against the model's. */
    private ArenaBattle forYou(Pending p, String voter, TasteProfile t, long now) throws Exception {
        Map<String, Double> gains = new LinkedHashMap<>();
        List<String> what = new ArrayList<>();
        for (int r = 0; r < TasteProfile.ROLES.size(); r++) {
            if (t.applyDb()[r] != 0) {
                String role = TasteProfile.ROLES.get(r).name();
                gains.put(role, t.applyDb()[r]);
                what.add(String.format(Locale.ROOT, "%s %+.1f dB", role.toLowerCase(Locale.ROOT), t.applyDb()[r]));
            }
        }
        int rate = p.mix.audio.variant(Variant.A).sampleRate();
        float[] mine = render(p, gains);
        float[] model = render(p, Map.of());
        boolean mineFirst = random.nextBoolean();
        String id = prefix + made.incrementAndGet();
        Sides s = matched(id, mineFirst ? mine : model, mineFirst ? model : mine, rate);
        String yours = "mixed for you (" + String.join(", ", what) + ")";
        String theirs = p.modelA + "'s mix";
        Battle battle = battle(id, p, mineFirst ? yours : theirs, mineFirst ? theirs : yours, s, List.of(voter), now);
        ArenaBattle out = ArenaBattle.forYou(battle, s.a, s.b, voter, mineFirst ? Variant.A : Variant.B);
        battles.put(id, out);
        LOG.info("For-you battle {} for {}: {}", id, voter, yours);
        return out;
    }

    private static String label(String role, double db, String model) {
        return db == 0 ? model + "'s mix" : String.format(Locale.ROOT, "%s's mix, %s %+.1f dB", model, role, db);
    }

    /** Variant A of {@code p}'s mix rendered again by the gateway with these role gain offsets (dB). */
    private float[] render(Pending p, Map<String, Double> roleGainsDb) throws IOException {
        ObjectNode body = json.createObjectNode().put("variant", "A");
        ObjectNode gains = body.putObject("roleGainsDb");
        roleGainsDb.forEach(gains::put);
        return mixer.render(p.mix, body);
    }

    /** A battle's two sides as written: the files, each mix's length, the loudness matched to and each side's gain. */
    private record Sides(Path a, Path b, long audioMillis, double lufs, double gainA, double gainB) {}

    /**
     * Sides {@code a} and {@code b} (interleaved stereo) matched to the quieter one's integrated loudness (the louder
     * turned down: nothing is pushed into the limiter) and written as 16-bit WAVs of battle {@code id}; neither file is
     * left behind when the writing fails.
     */
    private Sides matched(String id, float[] a, float[] b, int rate) throws IOException {
        double la = lufs(a, rate);
        double lb = lufs(b, rate);
        double target = Math.min(la, lb);
        Sides s = new Sides(
                dir.resolve(id + "-a.wav"),
                dir.resolve(id + "-b.wav"),
                Math.round(1000.0 * (a.length / VariantAudio.CHANNELS) / rate),
                target,
                target - la,
                target - lb);
        try {
            Wav.write(s.a, new Audio(rate, VariantAudio.CHANNELS, scaled(a, s.gainA)), Wav.Encoding.PCM_16);
            Wav.write(s.b, new Audio(rate, VariantAudio.CHANNELS, scaled(b, s.gainB)), Wav.Encoding.PCM_16);
        } catch (IOException | RuntimeException e) {
            discard(s);
            throw e;
        }
        return s;
    }

    private static void discard(Sides s) throws IOException {
        Files.deleteIfExists(s.a);
        Files.deleteIfExists(s.b);
    }

    /** The battle record of {@code id} on {@code p}'s song and mix, taking votes for the arena's lifetime. */
    private Battle battle(String id, Pending p, String modelA, String modelB, Sides s, List<String> voters, long now) {
        return new Battle(
                id,
                p.league,
                p.song.id(),
                p.mix.id,
                modelA,
                modelB,
                s.audioMillis,
                now,
                now + settings.lifetime().toMillis(),
                voters,
                null,
                null);
    }

    /**
     * {@code battle} sealed ({@code expected}: an attention check's answer, null for an ordinary battle) and published
     * on tournament.battles; its files removed when the broker does not take it.
     */
    private ArenaBattle publish(Battle battle, VoteOutcome expected, Sides s) throws Exception {
        Battle sealed = BattleSeals.sealed(settings.keys(), battle, expected);
        try {
            sender.send(settings.battlesTopic(), sealed.getBattleId(), Contract.BATTLE.encode(sealed));
        } catch (Exception e) {
            discard(s);
            throw e;
        }
        return ArenaBattle.published(sealed, s.a, s.b);
    }

    private void offer(League l, ArenaBattle b) {
        battles.put(b.id(), b);
        l.offered.add(b);
    }

    private static float[] read(VariantAudio v) throws IOException {
        long samples = v.frames() * VariantAudio.CHANNELS;
        if (samples > Integer.MAX_VALUE) {
            throw new IOException("a battle's mix of " + v.frames() + " frames is too long to match in memory");
        }
        float[] out = new float[(int) samples];
        int got = v.read(0, out, out.length);
        if (got != out.length) {
            throw new IOException("read " + got + " of " + out.length + " samples of a battle's mix");
        }
        return out;
    }

    static double lufs(float[] interleaved, int rate) {
        LoudnessMeter meter = new LoudnessMeter(rate, VariantAudio.CHANNELS);
        meter.pushInterleaved(interleaved, 0, interleaved.length / VariantAudio.CHANNELS);
        double l = meter.integratedLufs();
        if (!Double.isFinite(l)) {
            throw new IllegalStateException("a battle's mix is silent");
        }
        return l;
    }

    static float[] scaled(float[] x, double db) {
        float g = (float) Math.pow(10, db / 20);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * g;
        }
        return out;
    }

    /** An attention check's damaged copy: muffled by a high shelf (every attentive listener hears the difference). */
    static float[] muffled(float[] interleaved, int rate) {
        int frames = interleaved.length / VariantAudio.CHANNELS;
        float[] left = new float[frames];
        float[] right = new float[frames];
        for (int i = 0; i < frames; i++) {
            left[i] = interleaved[2 * i];
            right[i] = interleaved[2 * i + 1];
        }
        BiquadCascade shelf = new BiquadCascade(1, VariantAudio.CHANNELS);
        shelf.set(0, Biquad.highShelf(rate, CHECK_SHELF_HZ, 1, CHECK_SHELF_DB));
        shelf.process(left, right, 0, frames);
        float[] out = new float[interleaved.length];
        for (int i = 0; i < frames; i++) {
            out[2 * i] = left[i];
            out[2 * i + 1] = right[i];
        }
        return out;
    }

    private static double round(double x) {
        return Math.round(x * 10) / 10.0;
    }

    /**
     * A completed mix whose owner offered the song to the arena: an excerpt of its stems as long as the arena's songs
     * (from a third of the way in, past the intro) joins the pool. Its mix's stems must still be in the stem store.
     */
    public void offer(MixState m) {
        try {
            List<StemAudio> stored = m.audio.storedStems(m.spec.stems.size());
            if (stored == null) {
                LOG.warn("Mix {} was offered to the arena but its stems are not all in the store", m.id);
                return;
            }
            int rate = m.spec.sampleRate;
            long frames = stored.stream().mapToLong(StemAudio::frames).max().orElse(0);
            if (frames < MIN_OFFER_SECONDS * rate) {
                LOG.info("Mix {} was offered to the arena but is {} s long: too short to battle", m.id, frames / rate);
                return;
            }
            long length = Math.min(frames, Math.round(settings.songSeconds() * rate));
            long start = (frames - length) / 3;
            List<StemInput> excerpt = new ArrayList<>();
            for (int i = 0; i < stored.size(); i++) {
                StemAudio s = stored.get(i);
                float[] samples = new float[(int) length * s.channels()];
                s.read(start, samples, (int) length);
                StemSpec spec = m.spec.stems.get(i);
                excerpt.add(new StemInput(spec.getName(), spec.getRole(), new Audio(rate, s.channels(), samples)));
            }
            pool.offer(m.id, excerpt, rate);
            LOG.info(
                    "Mix {} offered to the arena: {} s of its {} stems from {} s",
                    m.id,
                    length / rate,
                    stored.size(),
                    start / rate);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Mix {} was offered to the arena but could not be kept: {}", m.id, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------- the listeners

    /** A new listener id (the cookie carries it, signed). */
    public static String newListenerId() {
        byte[] b = new byte[12];
        RANDOM_IDS.nextBytes(b);
        return "l_" + HexFormat.of().formatHex(b);
    }

    /** The battle {@code voter} is to judge in {@code league}, and the next to preload. */
    public Offer next(String voter, String league) {
        League l = league(league);
        long now = clock.millis();
        Listener me = listeners.computeIfAbsent(voter, v -> new Listener());
        synchronized (me) {
            me.lastSeen = now;
            if (me.current == null
                    || me.current.hasVoted(voter)
                    || !battles.containsKey(me.current.id())
                    || me.current.closed(now)
                    || !me.current.league().equals(league)) {
                ArenaBattle next = usable(me.upcoming, voter, league, now) ? me.upcoming : pick(l, voter, null, now);
                me.current = next;
                me.currentSince = now;
                me.upcoming = null;
            }
            if (me.current == null) {
                l.wanted.updateAndGet(w -> Math.min(MAX_WANTED, w + 1));
                throw new ApiException(
                        ApiError.NO_BATTLE_READY,
                        "no battle of league " + league + " is ready for you yet (" + l.why + "); try again shortly");
            }
            ArenaBattle mine = personal.get(voter);
            if (mine != null
                    && mine != me.current
                    && !mine.hasVoted(voter)
                    && mine.league().equals(league)) {
                me.upcoming = mine; // their own battle goes next
            } else if (!usable(me.upcoming, voter, league, now) || me.upcoming == me.current) {
                me.upcoming = pick(l, voter, me.current, now);
                if (me.upcoming == null) {
                    // they will have heard everything on offer: one more is mixed while they judge this one
                    l.wanted.updateAndGet(w -> Math.min(MAX_WANTED, w + 1));
                }
            }
            return new Offer(
                    me.current,
                    me.currentSince,
                    me.upcoming,
                    settings.neededMillis(me.current.battle.getAudioMillis()));
        }
    }

    private boolean usable(ArenaBattle b, String voter, String league, long now) {
        return b != null
                && (b.only == null || b.only.equals(voter))
                && battles.containsKey(b.id())
                && !b.hasVoted(voter)
                && !b.closed(now)
                && b.league().equals(league);
    }

    /** The battle on offer with the fewest votes that {@code voter} has not voted on, other than {@code not}. */
    private ArenaBattle pick(League l, String voter, ArenaBattle not, long now) {
        return l.offered.stream()
                .filter(b -> b != not && !b.full() && !b.closed(now) && !b.hasVoted(voter))
                .min(Comparator.comparingInt(ArenaBattle::votes).thenComparingLong(b -> b.battle.getCreatedAtMillis()))
                .orElse(null);
    }

    private League league(String league) {
        League l = leagues.get(league);
        if (l == null) {
            throw new ApiException(
                    ApiError.LEAGUE_NOT_FOUND, "the arena has no league '" + league + "'; it has " + leagues.keySet());
        }
        return l;
    }

    /** What a vote reveals: the two sides, and whether it was counted here (the job has the last word). */
    public record Reveal(ArenaBattle battle, VoteOutcome outcome, long listenedMillis, int votes) {}

    /**
     * Counts {@code voter}'s verdict on their current battle {@code battleId}, heard for {@code heardA} and {@code heardB}
     * ms (as the page measured), and sends it signed to tournament.votes.
     */
    public Reveal vote(String voter, String battleId, VoteOutcome outcome, long heardA, long heardB) {
        long now = clock.millis();
        ArenaBattle b = battles.get(battleId);
        if (b == null) {
            throw new ApiException(ApiError.BATTLE_NOT_FOUND, "no battle " + battleId + " is on offer");
        }
        if (heardA < 0 || heardB < 0) {
            throw new ApiException(ApiError.INVALID_VOTE, "/listenedMillis: times are >= 0");
        }
        Listener me = listeners.get(voter);
        if (me == null) {
            throw new ApiException(ApiError.NOT_YOUR_BATTLE, "battle " + battleId + " was not offered to you");
        }
        synchronized (me) {
            me.lastSeen = now;
            if (b.hasVoted(voter)) {
                throw new ApiException(ApiError.ALREADY_VOTED, "you have voted on battle " + battleId);
            }
            if (me.current != b) {
                throw new ApiException(
                        ApiError.NOT_YOUR_BATTLE, "battle " + battleId + " is not the one you are listening to");
            }
            long needed = settings.neededMillis(b.battle.getAudioMillis());
            long elapsed = now - me.currentSince;
            long listened = Math.min(heardA + heardB, elapsed);
            if (Math.min(heardA, heardB) < (needed + 1) / 2) {
                throw new ApiException(
                        ApiError.VOTE_TOO_FAST,
                        "listen to both mixes, at least " + (needed + 1) / 2 + " ms each (heard A " + heardA + " ms, B "
                                + heardB + " ms)");
            }
            // every kind of battle takes the job's own checks, here first: listening, lifetime, who may vote
            Vote vote = new Vote(battleId, voter, outcome, listened, now, null);
            VoteChecks.Settings checks = new VoteChecks.Settings();
            checks.minListenShare = settings.minListenShare();
            VoteChecks.Problem problem = VoteChecks.check(b.battle, vote, now, checks);
            if (problem != null) {
                throw new ApiException(
                        switch (problem.code()) {
                            case TOO_FAST -> ApiError.VOTE_TOO_FAST;
                            case CLOSED_BATTLE, UNKNOWN_BATTLE -> ApiError.BATTLE_NOT_FOUND;
                            case NOT_ALLOWED -> ApiError.NOT_YOUR_BATTLE;
                            default -> ApiError.INVALID_VOTE;
                        },
                        problem.message()
                                + (problem.code() == TournamentErrorCode.TOO_FAST
                                        ? " (" + elapsed + " ms since it was offered to you)"
                                        : ""));
            }
            if (b.forYou()) {
                if (outcome != VoteOutcome.BOTH_BAD) {
                    Variant won = outcome == VoteOutcome.A ? Variant.A : Variant.B;
                    forYouLog.record(voter, outcome == VoteOutcome.TIE ? 0.5 : won == b.forYou ? 1 : 0, now);
                }
            } else if (b.probe()) {
                if (outcome != VoteOutcome.BOTH_BAD) { // says nothing about where the level should be
                    double y = outcome == VoteOutcome.A ? 1 : outcome == VoteOutcome.B ? 0 : 0.5;
                    tastes.answer(voter, b.probeA, b.probeB, y);
                }
            } else {
                send(vote);
            }
            b.voted(voter, settings.votesPerBattle(), now);
            me.votes++;
            return new Reveal(b, outcome, listened, me.votes);
        }
    }

    /** A model battle's vote, signed, on tournament.votes: answered once the broker has it. */
    private void send(Vote vote) {
        try {
            sender.send(
                    settings.votesTopic(),
                    vote.getBattleId(),
                    Contract.VOTE.encode(VoterTokens.signed(settings.keys(), vote)));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.KAFKA_UNAVAILABLE, "interrupted while sending the vote");
        } catch (Exception ex) {
            throw new ApiException(
                    ApiError.KAFKA_UNAVAILABLE,
                    "the vote could not be sent to " + settings.votesTopic() + ": " + ex.getMessage());
        }
    }

    /** The file of side {@code side} (A or B) of an offered battle. */
    public Path audio(String battleId, Variant side) {
        ArenaBattle b = battles.get(battleId);
        if (b == null) {
            throw new ApiException(ApiError.BATTLE_NOT_FOUND, "no battle " + battleId + " is on offer");
        }
        return side == Variant.A ? b.a : b.b;
    }

    /** {@code voter}'s taste, learnt from their answers to taste probes; null before the first. */
    public TasteProfile taste(String voter) {
        return tastes.profile(voter);
    }

    /** How listeners judged their personalised mixes against the model's, in for-you battles. */
    public ForYouLog forYouLog() {
        return forYouLog;
    }

    /** Taste probes {@code voter} has answered. */
    public int tasteAnswers(String voter) {
        return tastes.answers(voter);
    }

    /** Votes {@code voter} has cast here. */
    public int votes(String voter) {
        Listener me = listeners.get(voter);
        return me == null ? 0 : me.votes;
    }

    /** Battles on offer and being mixed, per league. */
    public ObjectNode status() {
        ObjectNode out = json.createObjectNode();
        for (Map.Entry<String, League> e : leagues.entrySet()) {
            League l = e.getValue();
            ObjectNode o = out.putObject(e.getKey());
            o.put("offered", l.offered.stream().filter(b -> !b.full()).count());
            o.put("mixing", l.pending.size());
            o.put("wanted", l.wanted.get());
            o.put("contenders", contenders(e.getKey()).size());
            o.put("songs", pool.builtIn().size() + pool.offered().size());
            o.put("offeredSongs", pool.offered().size());
        }
        return out;
    }

    /** The leagues listeners vote in, the default first. */
    public List<String> leagues() {
        return settings.leagues();
    }

    @Override
    public void close() {
        for (ArenaBattle b : battles.values()) {
            try {
                b.delete();
            } catch (IOException e) {
                LOG.warn("Could not delete the audio of battle {}: {}", b.id(), e.toString());
            }
        }
        battles.clear();
    }
}
