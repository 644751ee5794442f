package ai.aimix.tournament;

import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.schema.StemRole;
import java.util.SplittableRandom;

/**
 * A simulated listener for tournaments: "listens" to a battle's two mixes by measuring each against the song's
 * reference mix as this listener would want it (their taste: one role louder or softer, e.g. vocals +3 dB) with the
 * MR-STFT distance after loudness matching, then prefers the closer mix with Bradley-Terry noise: P(A) =
 * 1 / (1 + exp(-(dB - dA) / sensitivity)). Differences under {@code tieMargin} are a tie with probability one half;
 * both mixes further than {@code bothBadDistance} are "both bad". Listening takes between the mix's length and
 * twice it.
 */
public final class SimulatedListener {
    /** The listener's verdict and how long they listened. */
    public record Judgement(PairCounts.Outcome outcome, long listenedMillis, double distanceA, double distanceB) {}

    public final String id;
    public final StemRole tasteRole;
    public final float tasteDb;
    private final double sensitivity;
    private final double tieMargin;
    private final double bothBadDistance;
    private final SplittableRandom random;

    public SimulatedListener(
            String id,
            StemRole tasteRole,
            float tasteDb,
            double sensitivity,
            double tieMargin,
            double bothBadDistance,
            long seed) {
        this.id = id;
        this.tasteRole = tasteRole;
        this.tasteDb = tasteDb;
        this.sensitivity = sensitivity;
        this.tieMargin = tieMargin;
        this.bothBadDistance = bothBadDistance;
        this.random = new SplittableRandom(seed);
    }

    /**
     * @param reference the song's reference mix as this listener wants it (see
     *                  {@link ai.aimix.corpus.CorpusSong#referenceMix(ai.aimix.dsp.mix.RenderSettings, StemRole, float)})
     */
    public Judgement judge(float[][] mixA, float[][] mixB, float[][] reference, int sampleRate) {
        return judge(
                distance(reference, mixA, sampleRate),
                distance(reference, mixB, sampleRate),
                Math.round(1000.0 * mixA[0].length / sampleRate));
    }

    /** The MR-STFT distance of a mix to a reference after loudness matching. */
    public static double distance(float[][] reference, float[][] mix, int sampleRate) {
        return MixComparison.matchedDistance(reference, mix, sampleRate);
    }

    /** The verdict on mixes at distances {@code da} and {@code db} from this listener's reference. */
    public synchronized Judgement judge(double da, double db, long audioMillis) {
        long listened = audioMillis + (long) (random.nextDouble() * audioMillis);
        PairCounts.Outcome o;
        if (da > bothBadDistance && db > bothBadDistance) {
            o = PairCounts.Outcome.BOTH_BAD;
        } else if (Math.abs(da - db) < tieMargin && random.nextBoolean()) {
            o = PairCounts.Outcome.TIE;
        } else {
            double pA = BradleyTerry.sigmoid((db - da) / sensitivity);
            o = random.nextDouble() < pA ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND;
        }
        return new Judgement(o, listened, da, db);
    }
}
