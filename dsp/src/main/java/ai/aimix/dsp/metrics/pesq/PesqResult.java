package ai.aimix.dsp.metrics.pesq;

import java.util.List;

/**
 * A PESQ measurement.
 *
 * @param mode narrowband (P.862 with P.862.1) or wideband (P.862.2)
 * @param sampleRate 8000 or 16000
 * @param raw the raw P.862 score (-0.5 to 4.5); P.862.2 defines no raw score, so this is the internal one there
 * @param mosLqo the mapped score, MOS-LQO (1.0 to 4.5 nb, 1.0 to 4.64 wb)
 * @param utterances the speech stretches found in the reference and the delay of the degraded signal over each
 */
public record PesqResult(PesqMode mode, int sampleRate, float raw, float mosLqo, List<Utterance> utterances) {
    /** A stretch of the reference, in seconds, and the delay (degraded after reference, in ms) found over it. */
    public record Utterance(double startSeconds, double endSeconds, double delayMs) {}

    public PesqResult {
        utterances = List.copyOf(utterances);
    }
}
