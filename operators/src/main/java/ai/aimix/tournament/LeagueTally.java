package ai.aimix.tournament;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One league's votes: the exact counts of every counted vote per model pair, each voter's own contributions, and
 * the {@link VoterScreen}. A voter's votes are judged against the pair's counts from everyone else at the screen's
 * looks (when their record reaches 20, 40, 80, … screened items: see {@link VoterScreen#look}); a voter the screen
 * flags has all their votes taken out of the counts the ratings are fitted on (and
 * later votes are kept aside too). {@link #all()} keeps every counted vote, flagged or not, for the record.
 * Everything is a function of the votes in arrival order, which Kafka keeps per league, so a replay after a
 * failure rebuilds the same state.
 */
public final class LeagueTally {
    private final double alpha;
    private final int minVotes;
    private final Map<String, long[]> sides = new HashMap<>();
    /** Per voter: attention checks passed, missed. */
    private final Map<String, long[]> checks = new HashMap<>();
    private final PairCounts all = new PairCounts();
    private final PairCounts rated = new PairCounts();
    private final Map<String, PairCounts> byVoter = new HashMap<>();
    /** Per voter: items the screen looks at (votes for a side or tie, attention checks). */
    private final Map<String, long[]> screened = new HashMap<>();
    private final Set<String> flagged = new TreeSet<>();
    private long votes;

    public LeagueTally(double alpha, int minVotes) {
        this.alpha = alpha;
        this.minVotes = minVotes;
    }

    /**
     * Folds a counted vote: {@code first} and {@code second} are the models in the order the voter saw them
     * (A, B).
     *
     * @return whether this vote made the voter flagged
     */
    public boolean fold(String voter, String first, String second, PairCounts.Outcome outcome) {
        return fold(voter, first, second, outcome, null);
    }

    /**
     * As {@link #fold(String, String, String, PairCounts.Outcome)}; a vote on an attention-check battle
     * ({@code expected} not null) only tests the voter: it is not counted for the ratings.
     */
    public boolean fold(String voter, String first, String second, PairCounts.Outcome outcome,
                        PairCounts.Outcome expected) {
        if (expected != null) {
            long[] c = checks.computeIfAbsent(voter, k -> new long[2]);
            c[outcome == expected ? 0 : 1]++;
            return flagIfNeeded(voter, true);
        }
        votes++;
        PairCounts mine = byVoter.computeIfAbsent(voter, k -> new PairCounts());
        if (outcome == PairCounts.Outcome.FIRST || outcome == PairCounts.Outcome.SECOND) {
            long[] side = sides.computeIfAbsent(voter, k -> new long[2]);
            side[0] += outcome == PairCounts.Outcome.FIRST ? 1 : 0;
            side[1]++;
        }
        all.add(first, second, outcome);
        mine.add(first, second, outcome);
        if (flagged.contains(voter)) {
            return false;
        }
        rated.add(first, second, outcome);
        return flagIfNeeded(voter, outcome != PairCounts.Outcome.BOTH_BAD);
    }

    /** Counts a screened item and, at one of the screen's looks, tests the voter. */
    private boolean flagIfNeeded(String voter, boolean screenedItem) {
        if (flagged.contains(voter) || !screenedItem) {
            return false;
        }
        long n = ++screened.computeIfAbsent(voter, k -> new long[1])[0];
        if (VoterScreen.look(n, minVotes) < 0) {
            return false;
        }
        PairCounts mine = byVoter.computeIfAbsent(voter, k -> new PairCounts());
        if (verdict(voter).flagged()) {
            flagged.add(voter);
            for (PairCounts.Pair p : mine.pairs()) {
                add(rated, p, -1);
            }
            return true;
        }
        return false;
    }

    /** The counts the ratings are fitted on: every counted vote of voters not flagged. */
    public PairCounts rated() {
        return rated;
    }

    /** Every counted vote. */
    public PairCounts all() {
        return all;
    }

    public Set<String> flagged() {
        return java.util.Collections.unmodifiableSet(flagged);
    }

    public long votes() {
        return votes;
    }

    /** One voter's part of the state: their own counts, side choices and whether they are flagged. */
    public record VoterState(String voter, PairCounts counts, long firstChoices, long sideChoices, boolean flagged,
                             long checksPassed, long checksFailed) {
    }

    /** The whole state, for a checkpoint: every voter's record (the pair totals follow from them). */
    public java.util.List<VoterState> voters() {
        java.util.List<VoterState> out = new java.util.ArrayList<>();
        java.util.TreeSet<String> names = new java.util.TreeSet<>(byVoter.keySet());
        names.addAll(checks.keySet());
        for (String name : names) {
            long[] side = sides.getOrDefault(name, new long[2]);
            long[] c = checks.getOrDefault(name, new long[2]);
            out.add(new VoterState(name, byVoter.getOrDefault(name, new PairCounts()), side[0], side[1],
                    flagged.contains(name), c[0], c[1]));
        }
        return out;
    }

    /** A tally rebuilt from {@link #voters()} and the vote count: the same counts, flags and ratings. */
    public static LeagueTally restore(double alpha, int minVotes, java.util.List<VoterState> voters, long votes) {
        LeagueTally t = new LeagueTally(alpha, minVotes);
        t.votes = votes;
        for (VoterState v : voters) {
            t.byVoter.put(v.voter(), v.counts());
            t.sides.put(v.voter(), new long[] {v.firstChoices(), v.sideChoices()});
            long n = v.checksPassed() + v.checksFailed();
            if (n > 0) {
                t.checks.put(v.voter(), new long[] {v.checksPassed(), v.checksFailed()});
            }
            for (PairCounts.Pair p : v.counts().pairs()) {
                n += p.aWins + p.bWins + p.ties;
            }
            t.screened.put(v.voter(), new long[] {n});
            if (v.flagged()) {
                t.flagged.add(v.voter());
            }
            for (PairCounts.Pair p : v.counts().pairs()) {
                add(t.all, p, 1);
                if (!v.flagged()) {
                    add(t.rated, p, 1);
                }
            }
        }
        return t;
    }

    private static void add(PairCounts into, PairCounts.Pair p, int sign) {
        into.add(p.a, p.b, PairCounts.Outcome.FIRST, sign * p.aWins);
        into.add(p.a, p.b, PairCounts.Outcome.SECOND, sign * p.bWins);
        into.add(p.a, p.b, PairCounts.Outcome.TIE, sign * p.ties);
        into.add(p.a, p.b, PairCounts.Outcome.BOTH_BAD, sign * p.bothBad);
    }

    /**
     * The screen's verdict on a voter now: each of their votes against the current counts of everyone else on the
     * same pair (the history grows, so a voter screened later is screened against more), and their side choices,
     * at the threshold of the latest look their record has passed.
     */
    public VoterScreen.Verdict verdict(String voter) {
        PairCounts mine = byVoter.get(voter);
        VoterScreen fresh = new VoterScreen(alpha, minVotes);
        if (mine != null) {
            for (PairCounts.Pair p : mine.pairs()) {
                long[] t = all.oriented(p.a, p.b);
                long[] o = {t[0] - p.aWins, t[1] - p.bWins, t[2] - p.ties};
                for (int i = 0; i < p.aWins; i++) {
                    fresh.vote(voter, PairCounts.Outcome.FIRST, o[0], o[1], o[2]);
                }
                for (int i = 0; i < p.bWins; i++) {
                    fresh.vote(voter, PairCounts.Outcome.SECOND, o[0], o[1], o[2]);
                }
                for (int i = 0; i < p.ties; i++) {
                    fresh.vote(voter, PairCounts.Outcome.TIE, o[0], o[1], o[2]);
                }
            }
        }
        long[] side = sides.getOrDefault(voter, new long[2]);
        for (int i = 0; i < side[1]; i++) {
            fresh.side(voter, i < side[0]);
        }
        long[] c = checks.getOrDefault(voter, new long[2]);
        for (int i = 0; i < c[0] + c[1]; i++) {
            fresh.check(voter, i < c[0]);
        }
        return fresh.verdict(voter);
    }
}
