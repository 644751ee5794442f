package ai.aimix.dsp.metrics.pesq;

/**
 * The utterances the alignment finds in the reference (P.862 10.4): for each, the VAD windows it spans, the windows
 * searched for it, the delay estimated from the activity envelopes, the delay and confidence from the fine
 * alignment. Indexes are in VAD windows, delays in samples (degraded after reference is positive).
 */
final class Utterances {
    /** At most this many utterances are tracked; splitting stops there. */
    static final int MAX = 50;

    int count;
    int crudeDelay;
    final int[] searchStart = new int[MAX];
    final int[] searchEnd = new int[MAX];
    final int[] delayEstimate = new int[MAX];
    final int[] delay = new int[MAX];
    final float[] confidence = new float[MAX];
    final int[] start = new int[MAX];
    final int[] end = new int[MAX];

    /** Moves utterances {@code from+1 .. count-1} one place up, making room after {@code from}. */
    void openAfter(int from) {
        for (int step = count - 1; step > from; step--) {
            delayEstimate[step + 1] = delayEstimate[step];
            delay[step + 1] = delay[step];
            confidence[step + 1] = confidence[step];
            start[step + 1] = start[step];
            end[step + 1] = end[step];
            // As specified: the moved utterance's search window becomes its start and end.
            searchStart[step + 1] = start[step];
            searchEnd[step + 1] = end[step];
        }
        count++;
    }
}
