package ai.aimix.operators.tournament;

import ai.aimix.schema.internal.LeagueState;
import ai.aimix.schema.internal.PairRecord;
import ai.aimix.schema.internal.VoterRecord;
import ai.aimix.tournament.LeagueTally;
import ai.aimix.tournament.PairCounts;
import java.util.ArrayList;
import java.util.List;

/** A league's tally in its keyed-state form ({@link LeagueState}) and back. */
final class LeagueStates {
    private LeagueStates() {}

    /** A tally from its keyed state form (null: a new league). */
    static LeagueTally fromState(LeagueState s, double alpha, int minVotes) {
        if (s == null) {
            return new LeagueTally(alpha, minVotes);
        }
        List<LeagueTally.VoterState> voters = new ArrayList<>();
        for (VoterRecord r : s.getVoters()) {
            PairCounts c = new PairCounts();
            for (PairRecord p : r.getPairs()) {
                c.add(p.getA(), p.getB(), PairCounts.Outcome.FIRST, p.getAWins());
                c.add(p.getA(), p.getB(), PairCounts.Outcome.SECOND, p.getBWins());
                c.add(p.getA(), p.getB(), PairCounts.Outcome.TIE, p.getTies());
                c.add(p.getA(), p.getB(), PairCounts.Outcome.BOTH_BAD, p.getBothBad());
            }
            voters.add(new LeagueTally.VoterState(
                    r.getVoter(),
                    c,
                    r.getFirstChoices(),
                    r.getSideChoices(),
                    r.getFlagged(),
                    r.getChecksPassed(),
                    r.getChecksFailed()));
        }
        return LeagueTally.restore(alpha, minVotes, voters, s.getVotes());
    }

    static LeagueState toState(LeagueTally t) {
        List<VoterRecord> voters = new ArrayList<>();
        for (LeagueTally.VoterState v : t.voters()) {
            List<PairRecord> pairs = new ArrayList<>();
            for (PairCounts.Pair p : v.counts().pairs()) {
                pairs.add(new PairRecord(p.a, p.b, p.aWins, p.bWins, p.ties, p.bothBad));
            }
            voters.add(new VoterRecord(
                    v.voter(),
                    v.firstChoices(),
                    v.sideChoices(),
                    v.flagged(),
                    v.checksPassed(),
                    v.checksFailed(),
                    pairs));
        }
        return new LeagueState(t.votes(), voters);
    }
}
