package ai.aimix.evolution;

import ai.aimix.model.genome.Genome;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.schema.BredChild;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.EvolutionKind;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A league's evolution, as a function of its state, the league's standings and the registry:
 * <ul>
 *   <li><b>founding</b>: when a league that evolves gets its first champion, the champion's children are bred:
 *       generation 1 is the champion and those children;</li>
 *   <li><b>promotion</b>: a member whose 95 % interval lies entirely above the champion's becomes champion (the
 *       best such member by rating), once both have {@link Settings#promotionMinVotes} votes, and if it passes the
 *       {@link PromotionGate} (in the job: the offline quality benchmark); refused, it leaves the generation (it is
 *       neither proposed again nor bred from) and a REFUSED event says why;</li>
 *   <li><b>trigger</b>: when every member of the generation has an interval narrower than
 *       {@link Settings#intervalWidth}, or the generation has used {@link Settings#voteBudget} votes, the members are
 *       ranked by rating, the best {@code breeder.parents} bred ({@link Breeder}), and the champion plus the children
 *       are the next generation (elitism: the champion is never bred away); the mutation step follows the 1/5 rule
 *       on the share of the ended generation's children rated above their best parent.</li>
 * </ul>
 * Children are stored (bytes, then descriptor) and published as candidates with lineage; a child failing
 * {@link Genome#sane()} is neither. A generation's children are a function of their parents, the generation number
 * and the seed ({@link Breeder#breed}), and their ids of league, generation and index only, so a replay after a
 * failure finds its children already stored and publishes those, never new versions.
 */
public final class Evolution {
    /** What evolution does and when; defaults as documented in the tournament job's options. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final double DEFAULT_INTERVAL_WIDTH = 200;
        public static final long DEFAULT_VOTE_BUDGET = 1000;
        public static final long DEFAULT_PROMOTION_MIN_VOTES = 50;
        public static final long DEFAULT_SEED = 1;
        public static final String DEFAULT_ID_PREFIX = "evo";

        /** Full width of a 95 % interval, Elo points, below which a member counts as rated. */
        public double intervalWidth = DEFAULT_INTERVAL_WIDTH;
        /** Counted votes after which a generation ends even if some intervals are still wide. */
        public long voteBudget = DEFAULT_VOTE_BUDGET;
        /**
         * Counted votes the challenger and the champion each need before an interval comparison may promote: the
         * intervals are asymptotic, and on a few lopsided votes not to be trusted (before the Bradley-Terry variance
         * floor, the simulation promoted three models in a circle within 200 votes).
         */
        public long promotionMinVotes = DEFAULT_PROMOTION_MIN_VOTES;
        /** Children, parents, first mutation step. */
        public Breeder.Settings breeder = new Breeder.Settings();

        public long seed = DEFAULT_SEED;
        /** Children are named {@code <prefix>-<league>-g<generation>-c<index>}. */
        public String idPrefix = DEFAULT_ID_PREFIX;
    }

    /** A league's evolution state: its generation, members, where the generation began, and its children's parents. */
    public record State(
            int generation,
            List<String> members,
            long votesAtStart,
            double sigma,
            Map<String, List<String>> childParents,
            String champion,
            long championSince) {
        /** This state with {@code champion} (since {@code since}) first among the members, the others in order. */
        State withChampion(String champion, long since) {
            List<String> first = new ArrayList<>();
            first.add(champion);
            members.stream().filter(m -> !m.equals(champion)).forEach(first::add);
            return new State(generation, first, votesAtStart, sigma, childParents, champion, since);
        }

        /** This state without {@code member} in the generation. */
        State without(String member) {
            List<String> rest = new ArrayList<>(members);
            rest.remove(member);
            return new State(generation, rest, votesAtStart, sigma, childParents, champion, championSince);
        }
    }

    /** What a step did: the new state, registry entries to publish, events to report. */
    public record Step(State state, List<RegistryEntry> registry, List<EvolutionEvent> events) {
        static Step none(State s) {
            return new Step(s, List.of(), List.of());
        }
    }

    /** The model store, as evolution needs it (the real store in the job, a map in tests). */
    public interface Store {
        /** The weights of a registered model. */
        Genome weights(ModelDescriptor d) throws IOException;

        /**
         * Stores a child and returns its descriptor; if a version with that id is already stored (a replay), that
         * version's descriptor.
         */
        ModelDescriptor store(Breeder.Child child, String league, int generation) throws IOException;
    }

    private final Settings settings;
    private final Store store;
    private final PromotionGate gate;

    public Evolution(Settings settings, Store store, PromotionGate gate) {
        this.settings = settings;
        this.store = store;
        this.gate = gate;
    }

    /** Model ids are letters, digits, '.', '_' and '-': a league name is folded into that. */
    public String childPrefix(String league) {
        return settings.idPrefix + "-" + league.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    }

    /**
     * The league's first generation, bred from its champion.
     *
     * @return null when the champion's descriptor is not in the registry view yet (try again later)
     */
    public Step found(String league, String champion, long championSince, long leagueVotes, long now, RegistryView view)
            throws IOException {
        if (view.model(champion).isEmpty()) {
            return null;
        }
        List<ModelStanding> none = List.of();
        State start =
                new State(0, List.of(champion), leagueVotes, settings.breeder.sigma, Map.of(), champion, championSince);
        return breed(league, start, none, leagueVotes, settings.breeder.sigma, null, "founded", now, view);
    }

    /** The champion changed on the registry by someone else (an operator's promote or rollback): follow it. */
    public State adopt(State s, String champion, long changedAt) {
        if (changedAt <= s.championSince() || champion.equals(s.champion())) {
            return s;
        }
        return s.withChampion(champion, changedAt);
    }

    /** Promotion and the generation trigger on a league's fresh standings. */
    public Step onStandings(String league, State s, Standings standings, long now, RegistryView view)
            throws IOException {
        Map<String, ModelStanding> by = new HashMap<>();
        for (ModelStanding m : standings.getModels()) {
            by.put(m.getModelId(), m);
        }
        List<RegistryEntry> registry = new ArrayList<>();
        List<EvolutionEvent> events = new ArrayList<>();
        ModelStanding champ = by.get(s.champion());
        if (champ != null && champ.getVotes() >= settings.promotionMinVotes) {
            ModelStanding best = null;
            for (String m : s.members()) {
                ModelStanding c = by.get(m);
                if (c != null
                        && !m.equals(s.champion())
                        && c.getVotes() >= settings.promotionMinVotes
                        && c.getLower() > champ.getUpper()
                        && (best == null || c.getRating() > best.getRating())) {
                    best = c;
                }
            }
            final ModelStanding winner = best;
            Optional<ModelDescriptor> challenger = winner == null ? Optional.empty() : view.model(winner.getModelId());
            Optional<ModelDescriptor> current = view.model(s.champion());
            if (challenger.isPresent() && current.isPresent()) {
                PromotionGate.Verdict verdict;
                try {
                    verdict = gate.judge(challenger.get(), current.get());
                } catch (Exception e) {
                    // the gate cannot judge now: the next standings decide again
                    verdict = null;
                }
                if (verdict != null && !verdict.passed()) {
                    s = s.without(winner.getModelId());
                    EvolutionEvent refused = event(
                            league,
                            EvolutionKind.REFUSED,
                            s,
                            "quality-gate",
                            now,
                            standings.getVotes() - s.votesAtStart(),
                            standings.getVotes(),
                            null,
                            ranked(s, by),
                            List.of(),
                            List.of(),
                            null);
                    refused.setChallenger(winner.getModelId());
                    refused.setReason(verdict.description());
                    events.add(refused);
                } else if (verdict != null) {
                    String reason = String.format(
                            Locale.ROOT,
                            "tournament: %s's interval [%.0f, %.0f] lies above %s's [%.0f, %.0f] after %d votes; "
                                    + "quality gate: %s",
                            winner.getModelId(),
                            winner.getLower(),
                            winner.getUpper(),
                            champ.getModelId(),
                            champ.getLower(),
                            champ.getUpper(),
                            standings.getVotes(),
                            verdict.description());
                    try {
                        registry.addAll(RegistryChanges.promote(view, winner.getModelId(), league, now, reason));
                        String previous = s.champion();
                        s = s.withChampion(winner.getModelId(), now);
                        EvolutionEvent promoted = event(
                                league,
                                EvolutionKind.PROMOTION,
                                s,
                                "interval-above",
                                now,
                                standings.getVotes() - s.votesAtStart(),
                                standings.getVotes(),
                                previous,
                                ranked(s, by),
                                List.of(),
                                List.of(),
                                null);
                        promoted.setChallenger(winner.getModelId());
                        promoted.setReason(verdict.description());
                        events.add(promoted);
                    } catch (RegistryException e) {
                        // not registered as this view knows it yet (or retired meanwhile): next standings decide again
                    }
                }
            }
        }
        long used = standings.getVotes() - s.votesAtStart();
        String trigger = null;
        boolean narrow = true;
        for (String m : s.members()) {
            ModelStanding c = by.get(m);
            narrow &= c != null && c.getVotes() > 0 && c.getUpper() - c.getLower() <= settings.intervalWidth;
        }
        if (narrow) {
            trigger = "intervals";
        } else if (used >= settings.voteBudget) {
            trigger = "budget";
        }
        if (trigger == null) {
            return new Step(s, registry, events);
        }
        Double success = successRate(s, by);
        double sigma = success == null ? s.sigma() : Breeder.adaptSigma(s.sigma(), success);
        Step bred = breed(league, s, ranked(s, by), standings.getVotes(), sigma, success, trigger, now, view);
        registry.addAll(bred.registry());
        events.addAll(bred.events());
        return new Step(bred.state(), registry, events);
    }

    private Step breed(
            String league,
            State s,
            List<ModelStanding> ranked,
            long leagueVotes,
            double sigma,
            Double success,
            String trigger,
            long now,
            RegistryView view)
            throws IOException {
        List<Breeder.Parent> parents = new ArrayList<>();
        List<String> order = new ArrayList<>();
        ranked.forEach(r -> order.add(r.getModelId()));
        s.members().stream().filter(m -> !order.contains(m)).forEach(order::add);
        for (String id : order) {
            if (parents.size() == settings.breeder.parents) {
                break;
            }
            ModelDescriptor d = view.model(id).orElse(null);
            if (d == null || d.getPrecision() != ModelPrecision.FP32) {
                continue; // only full-precision versions breed
            }
            ModelStanding r = ranked.stream()
                    .filter(x -> x.getModelId().equals(id))
                    .findFirst()
                    .orElse(null);
            parents.add(new Breeder.Parent(id, store.weights(d), r == null ? 0 : r.getRating(), ancestry(id, view)));
        }
        int generation = s.generation() + 1;
        if (parents.isEmpty()) {
            return Step.none(s); // no member is a registered full-precision version: nothing can breed
        }
        List<RegistryEntry> registry = new ArrayList<>();
        List<String> members = new ArrayList<>();
        members.add(s.champion());
        List<BredChild> children = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        Map<String, List<String>> childParents = new LinkedHashMap<>();
        for (Breeder.Child c : Breeder.breed(
                parents, generation, settings.seed, settings.breeder.withSigma(sigma), childPrefix(league))) {
            if (!c.weights().sane()) {
                rejected.add(c.id());
                continue;
            }
            ModelDescriptor d = store.store(c, league, generation);
            if (view.model(d.getModelId()).isEmpty()) {
                try {
                    registry.addAll(RegistryChanges.publish(view, d));
                } catch (RegistryException e) {
                    throw new IllegalStateException("cannot register a new child: " + e.getMessage(), e);
                }
            }
            members.add(d.getModelId());
            children.add(new BredChild(
                    d.getModelId(),
                    d.getLineage().getOperation(),
                    d.getLineage().getParents(),
                    d.getLineage().getSeed()));
            childParents.put(d.getModelId(), List.copyOf(d.getLineage().getParents()));
        }
        State next = new State(generation, members, leagueVotes, sigma, childParents, s.champion(), s.championSince());
        EvolutionEvent e = event(
                league,
                EvolutionKind.GENERATION,
                next,
                trigger,
                now,
                leagueVotes - s.votesAtStart(),
                leagueVotes,
                null,
                ranked,
                children,
                rejected,
                success);
        return new Step(next, registry, List.of(e));
    }

    private static List<ModelStanding> ranked(State s, Map<String, ModelStanding> by) {
        List<ModelStanding> out = new ArrayList<>();
        for (String m : s.members()) {
            if (by.containsKey(m)) {
                out.add(by.get(m));
            }
        }
        out.sort(Comparator.comparingDouble(ModelStanding::getRating).reversed());
        return out;
    }

    /** Share of the generation's children rated above their best rated parent; null when none can be judged. */
    static Double successRate(State s, Map<String, ModelStanding> by) {
        int judged = 0;
        int better = 0;
        for (Map.Entry<String, List<String>> c : s.childParents().entrySet()) {
            ModelStanding child = by.get(c.getKey());
            double parent = Double.NEGATIVE_INFINITY;
            for (String p : c.getValue()) {
                if (by.containsKey(p)) {
                    parent = Math.max(parent, by.get(p).getRating());
                }
            }
            if (child == null || parent == Double.NEGATIVE_INFINITY) {
                continue;
            }
            judged++;
            better += child.getRating() > parent ? 1 : 0;
        }
        return judged == 0 ? null : (double) better / judged;
    }

    /** A model and all its ancestors, by the lineage of the descriptors the registry holds. */
    static Set<String> ancestry(String id, RegistryView view) {
        Set<String> out = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(id));
        while (!todo.isEmpty()) {
            String m = todo.pop();
            if (out.add(m)) {
                view.model(m).ifPresent(d -> {
                    if (d.getLineage() != null) {
                        todo.addAll(d.getLineage().getParents());
                    }
                });
            }
        }
        return out;
    }

    private EvolutionEvent event(
            String league,
            EvolutionKind kind,
            State s,
            String trigger,
            long now,
            long used,
            long leagueVotes,
            String previous,
            List<ModelStanding> ranked,
            List<BredChild> children,
            List<String> rejected,
            Double success) {
        return new EvolutionEvent(
                league,
                kind,
                s.generation(),
                trigger,
                now,
                used,
                leagueVotes,
                s.champion(),
                previous,
                new ArrayList<>(s.members()),
                new ArrayList<>(ranked),
                children,
                rejected,
                s.sigma(),
                success,
                null,
                null);
    }
}
