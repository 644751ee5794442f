package ai.aimix.operators.align;

import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ContractLimits;

import java.io.Serializable;

/** Limits and timeouts of the segment aligner (from MixJobOptions). */
public final class AlignSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int segmentFrames;
    public final int maxStems;
    public final double maxTrackSeconds;
    public final int maxChunkBytes;
    public final int reorderWindow;
    public final long chunkTimeoutMillis;
    public final long unknownMixTimeoutMillis;
    public final long maxBufferedBytes;
    public final long retentionMillis;
    public final int minSampleRate;
    public final int maxSampleRate;
    /** How long a request naming a model (or league) the registry does not know is held before it is refused. */
    public final long modelWaitMillis;
    /** How often such a request checks the registry again. */
    public final long modelRecheckMillis;
    /** Whether a request must carry an upload token (its chunks always must carry the request's token, or none). */
    public final boolean requireUploadToken;

    public AlignSettings(int segmentFrames, int maxStems, double maxTrackSeconds, int maxChunkBytes,
                         int reorderWindow, long chunkTimeoutMillis, long unknownMixTimeoutMillis,
                         long maxBufferedBytes, long retentionMillis, int minSampleRate, int maxSampleRate,
                         long modelWaitMillis, long modelRecheckMillis, boolean requireUploadToken) {
        this.segmentFrames = segmentFrames;
        this.maxStems = maxStems;
        this.maxTrackSeconds = maxTrackSeconds;
        this.maxChunkBytes = maxChunkBytes;
        this.reorderWindow = reorderWindow;
        this.chunkTimeoutMillis = chunkTimeoutMillis;
        this.unknownMixTimeoutMillis = unknownMixTimeoutMillis;
        this.maxBufferedBytes = maxBufferedBytes;
        this.retentionMillis = retentionMillis;
        this.minSampleRate = minSampleRate;
        this.maxSampleRate = maxSampleRate;
        this.modelWaitMillis = modelWaitMillis;
        this.modelRecheckMillis = modelRecheckMillis;
        this.requireUploadToken = requireUploadToken;
    }

    /** Defaults for tests; the job builds its settings from its options. */
    public static AlignSettings defaults() {
        return new AlignSettings(65536, ContractLimits.DEFAULT_MAX_STEMS, ContractLimits.DEFAULT_MAX_TRACK.toSeconds(),
                Contract.DEFAULT_MAX_CHUNK_BYTES, 64, 30_000, 30_000, 512L << 20, 300_000, ContractLimits.MIN_SAMPLE_RATE,
                ContractLimits.MAX_SAMPLE_RATE, 10_000, 250, true);
    }

    public long maxFrames(int sampleRate) {
        return (long) Math.floor(maxTrackSeconds * sampleRate);
    }
}
