package ai.aimix.operators.inference;

import java.io.Serializable;

/** When the batching operator flushes (from MixJobOptions). */
public final class InferenceSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Flush once this many audio segments (of any mixes) are waiting. */
    public final int batchSegments;
    /** Flush at the latest this long after the first waiting segment arrived (processing time). */
    public final long maxDelayMillis;

    public InferenceSettings(int batchSegments, long maxDelayMillis) {
        if (batchSegments < 1 || maxDelayMillis < 0) {
            throw new IllegalArgumentException("batch size must be >= 1 and the deadline >= 0");
        }
        this.batchSegments = batchSegments;
        this.maxDelayMillis = maxDelayMillis;
    }
}
