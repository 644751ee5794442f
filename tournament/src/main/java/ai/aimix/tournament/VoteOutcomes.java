package ai.aimix.tournament;

import ai.aimix.schema.VoteOutcome;

/** A vote's outcome on the wire ({@link VoteOutcome}: A, B, ...) and in the tally ({@link PairCounts.Outcome}). */
public final class VoteOutcomes {
    private VoteOutcomes() {}

    public static PairCounts.Outcome tally(VoteOutcome o) {
        switch (o) {
            case A:
                return PairCounts.Outcome.FIRST;
            case B:
                return PairCounts.Outcome.SECOND;
            case TIE:
                return PairCounts.Outcome.TIE;
            default:
                return PairCounts.Outcome.BOTH_BAD;
        }
    }

    public static VoteOutcome wire(PairCounts.Outcome o) {
        switch (o) {
            case FIRST:
                return VoteOutcome.A;
            case SECOND:
                return VoteOutcome.B;
            case TIE:
                return VoteOutcome.TIE;
            default:
                return VoteOutcome.BOTH_BAD;
        }
    }
}
