package ai.aimix.quality;

import ai.aimix.model.runtime.MixNetSession;
import java.util.List;

/**
 * The regression gate: a candidate replaces the champion only if it is not worse on the quality benchmark — its
 * mean mix distance at most {@link #DISTANCE_TOLERANCE} (relative) above the champion's and its level error at most
 * {@link #LEVEL_TOLERANCE_DB} above, on the same songs (the test split), rendered once for both.
 */
public final class QualityGate {
    public static final double DISTANCE_TOLERANCE = 0.02;
    public static final double LEVEL_TOLERANCE_DB = 0.1;

    public record Verdict(
            boolean passed,
            double candidateDistance,
            double championDistance,
            double candidateLevelDb,
            double championLevelDb,
            int songs,
            double distanceTolerance,
            double levelToleranceDb) {
        public String describe() {
            return String.format(
                    "mix distance %.3f vs the champion's %.3f (allowed up to %.3f), level error %.2f dB "
                            + "vs %.2f dB (allowed up to %.2f) on %d songs",
                    candidateDistance,
                    championDistance,
                    championDistance * (1 + distanceTolerance),
                    candidateLevelDb,
                    championLevelDb,
                    championLevelDb + levelToleranceDb,
                    songs);
        }
    }

    private QualityGate() {}

    public static Verdict judge(
            QualityBenchmark bench, MixNetSession candidate, MixNetSession champion, String split, int limit)
            throws Exception {
        return judge(bench, candidate, champion, split, limit, DISTANCE_TOLERANCE, LEVEL_TOLERANCE_DB);
    }

    /**
     * The gate with other tolerances: the candidate passes when its mean mix distance is at most {@code
     * distanceTolerance} (relative) above the champion's and its level error at most {@code levelToleranceDb} above.
     */
    public static Verdict judge(
            QualityBenchmark bench,
            MixNetSession candidate,
            MixNetSession champion,
            String split,
            int limit,
            double distanceTolerance,
            double levelToleranceDb)
            throws Exception {
        QualityBenchmark.Report r = bench.run(List.of(candidate, champion), split, limit, s -> {});
        double cd = r.meanDistance()[0];
        double hd = r.meanDistance()[1];
        double cl = r.levelErrorDb()[0];
        double hl = r.levelErrorDb()[1];
        boolean passed = cd <= hd * (1 + distanceTolerance) && cl <= hl + levelToleranceDb;
        return new Verdict(passed, cd, hd, cl, hl, r.songs().size(), distanceTolerance, levelToleranceDb);
    }
}
