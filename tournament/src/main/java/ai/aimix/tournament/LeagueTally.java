package ai.aimix.tournament;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
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
    /** One voter's record. */
    private static final class Voter {
        final PairCounts counts = new PairCounts();
        long firstChoices;
        long sideChoices;
        long checksPassed;
        long checksMissed;
        /** Items the screen looks at: votes for a side or tie, and attention checks. */
        long screened;
    }

    private final double alpha;
    private final int minVotes;
    private final PairCounts all = new PairCounts();
    private final PairCounts rated = new PairCounts();
    private final Map<String, Voter> voters = new HashMap<>();
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
    public boolean fold(
            String voter, String first, String second, PairCounts.Outcome outcome, PairCounts.Outcome expected) {
        Voter v = voters.computeIfAbsent(voter, k -> new Voter());
        if (expected != null) {
            if (outcome == expected) {
                v.checksPassed++;
            } else {
                v.checksMissed++;
            }
            return screen(voter, v);
        }
        votes++;
        if (outcome == PairCounts.Outcome.FIRST || outcome == PairCounts.Outcome.SECOND) {
            v.firstChoices += outcome == PairCounts.Outcome.FIRST ? 1 : 0;
            v.sideChoices++;
        }
        all.add(first, second, outcome);
        v.counts.add(first, second, outcome);
        if (flagged.contains(voter)) {
            return false;
        }
        rated.add(first, second, outcome);
        return outcome != PairCounts.Outcome.BOTH_BAD && screen(voter, v);
    }

    /** Counts a screened item and, at one of the screen's looks, tests the voter. */
    private boolean screen(String voter, Voter v) {
        if (flagged.contains(voter)
                || VoterScreen.look(++v.screened, minVotes) < 0
                || !verdict(voter).flagged()) {
            return false;
        }
        flagged.add(voter);
        for (PairCounts.Pair p : v.counts.pairs()) {
            add(rated, p, -1);
        }
        return true;
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
        return Collections.unmodifiableSet(flagged);
    }

    public long votes() {
        return votes;
    }

    /** One voter's part of the state: their own counts, side choices and whether they are flagged. */
    public record VoterState(
            String voter,
            PairCounts counts,
            long firstChoices,
            long sideChoices,
            boolean flagged,
            long checksPassed,
            long checksFailed) {}

    /** The whole state, for a checkpoint: every voter's record (the pair totals follow from them). */
    public List<VoterState> voters() {
        List<VoterState> out = new ArrayList<>();
        for (String name : new TreeSet<>(voters.keySet())) {
            Voter v = voters.get(name);
            out.add(new VoterState(
                    name,
                    v.counts,
                    v.firstChoices,
                    v.sideChoices,
                    flagged.contains(name),
                    v.checksPassed,
                    v.checksMissed));
        }
        return out;
    }

    /** A tally rebuilt from {@link #voters()} and the vote count: the same counts, flags and ratings. */
    public static LeagueTally restore(double alpha, int minVotes, List<VoterState> voters, long votes) {
        LeagueTally t = new LeagueTally(alpha, minVotes);
        t.votes = votes;
        for (VoterState s : voters) {
            Voter v = new Voter();
            v.firstChoices = s.firstChoices();
            v.sideChoices = s.sideChoices();
            v.checksPassed = s.checksPassed();
            v.checksMissed = s.checksFailed();
            v.screened = s.checksPassed() + s.checksFailed();
            for (PairCounts.Pair p : s.counts().pairs()) {
                add(v.counts, p, 1);
                add(t.all, p, 1);
                if (!s.flagged()) {
                    add(t.rated, p, 1);
                }
                v.screened += p.comparisons();
            }
            t.voters.put(s.voter(), v);
            if (s.flagged()) {
                t.flagged.add(s.voter());
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
        Voter v = voters.get(voter);
        VoterScreen fresh = new VoterScreen(alpha, minVotes);
        if (v == null) {
            return fresh.verdict(voter);
        }
        for (PairCounts.Pair p : v.counts.pairs()) {
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
        for (int i = 0; i < v.sideChoices; i++) {
            fresh.side(voter, i < v.firstChoices);
        }
        for (int i = 0; i < v.checksPassed + v.checksMissed; i++) {
            fresh.check(voter, i < v.checksPassed);
        }
        return fresh.verdict(voter);
    }
}
