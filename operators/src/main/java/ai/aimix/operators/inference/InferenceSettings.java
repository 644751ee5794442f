package ai.aimix.operators.inference;

import java.io.Serializable;
import java.time.Duration;

/** When the batching operator flushes (from MixJobOptions). */
public final class InferenceSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Flush a batch once this many segments wait. */
    public static final int DEFAULT_BATCH_SEGMENTS = 16;
    /** Flush a batch at the latest this long after its first segment arrived. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(100);

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
