package ai.aimix.operators.align;

import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ContractLimits;
import java.io.Serializable;
import java.time.Duration;

/** Limits and timeouts of the segment aligner (from MixJobOptions). */
public final class AlignSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Chunks of a stem that may arrive ahead of a missing one. */
    public static final int DEFAULT_REORDER_WINDOW = 64;
    /** An incomplete mix with no new chunk for this long fails. */
    public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(30);
    /** How long chunks wait for their request. */
    public static final Duration DEFAULT_UNKNOWN_MIX_TIMEOUT = Duration.ofSeconds(30);
    /** Most chunk data held for one mix. */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 512L << 20;
    /** How long an ended mix is remembered. */
    public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(5);
    /** How long a request waits for a model version or league the registry does not know yet. */
    public static final Duration DEFAULT_MODEL_WAIT = Duration.ofSeconds(10);
    /** How often a waiting request checks the registry again. */
    public static final Duration DEFAULT_MODEL_RECHECK = Duration.ofMillis(250);
    /** Requests must carry an upload token. */
    public static final boolean DEFAULT_REQUIRE_UPLOAD_TOKEN = true;

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

    public AlignSettings(
            int segmentFrames,
            int maxStems,
            double maxTrackSeconds,
            int maxChunkBytes,
            int reorderWindow,
            long chunkTimeoutMillis,
            long unknownMixTimeoutMillis,
            long maxBufferedBytes,
            long retentionMillis,
            int minSampleRate,
            int maxSampleRate,
            long modelWaitMillis,
            long modelRecheckMillis,
            boolean requireUploadToken) {
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
        return new AlignSettings(
                RenderSettings.DEFAULT_SEGMENT_FRAMES,
                ContractLimits.DEFAULT_MAX_STEMS,
                ContractLimits.DEFAULT_MAX_TRACK.toSeconds(),
                Contract.DEFAULT_MAX_CHUNK_BYTES,
                DEFAULT_REORDER_WINDOW,
                DEFAULT_CHUNK_TIMEOUT.toMillis(),
                DEFAULT_UNKNOWN_MIX_TIMEOUT.toMillis(),
                DEFAULT_MAX_BUFFERED_BYTES,
                DEFAULT_RETENTION.toMillis(),
                ContractLimits.MIN_SAMPLE_RATE,
                ContractLimits.MAX_SAMPLE_RATE,
                DEFAULT_MODEL_WAIT.toMillis(),
                DEFAULT_MODEL_RECHECK.toMillis(),
                DEFAULT_REQUIRE_UPLOAD_TOKEN);
    }

    public long maxFrames(int sampleRate) {
        return (long) Math.floor(maxTrackSeconds * sampleRate);
    }
}
