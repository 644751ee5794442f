package ai.aimix.jobs.mix;

import static org.apache.flink.configuration.ConfigOptions.key;

import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.jobs.JobOptions;
import ai.aimix.jobs.cache.CacheOptions;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.model.runtime.InferenceDevice;
import ai.aimix.model.runtime.SessionCache;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.operators.align.AlignSettings;
import ai.aimix.operators.assembly.AssemblySettings;
import ai.aimix.operators.inference.InferenceSettings;
import ai.aimix.operators.mel.MelSettings;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ContractLimits;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Every setting of the mix job, as Flink ConfigOptions: set them in config.yaml (flink-conf/), with -D on the
 * command line, or in code. Defaults are the documented product behaviour.
 */
public final class MixJobOptions {
    private MixJobOptions() {}

    // ------------------------------------------------------------------ Kafka (the connection: KafkaOptions)

    public static final ConfigOption<String> GROUP_ID = key("aimix.kafka.group-id")
            .stringType()
            .defaultValue("aimix-mix-job")
            .withDescription("Consumer group of the job's Kafka source (offsets are committed on checkpoints).");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = key("aimix.kafka.starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED_OR_EARLIEST)
            .withDescription("Where a job without a checkpoint starts reading: the group's committed offsets "
                    + "(earliest when none), EARLIEST or LATEST.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("aimix.kafka.transactional-id-prefix")
            .stringType()
            .defaultValue("aimix-mix")
            .withDescription("Prefix of the sink's transactional ids; unique per job on a Kafka cluster.");

    public static final ConfigOption<MemorySize> FETCH_MAX_PARTITION_BYTES =
            key("aimix.kafka.max-partition-fetch-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.parse("8mb"))
                    .withDescription("Consumer max.partition.fetch.bytes: audio chunks are large, fetch many at once.");

    public static final ConfigOption<String> TOPIC_REQUESTS = key("aimix.topics.requests")
            .stringType()
            .defaultValue(Contract.MIX_REQUESTS)
            .withDescription("Topic of mix requests.");
    public static final ConfigOption<String> TOPIC_CHUNKS = key("aimix.topics.chunks")
            .stringType()
            .defaultValue(Contract.AUDIO_CHUNKS)
            .withDescription("Topic of stem audio chunks.");
    public static final ConfigOption<String> TOPIC_OUTPUT = key("aimix.topics.output")
            .stringType()
            .defaultValue(Contract.MIX_OUTPUT)
            .withDescription("Topic of mixed audio chunks.");
    public static final ConfigOption<String> TOPIC_PROGRESS = key("aimix.topics.progress")
            .stringType()
            .defaultValue(Contract.MIX_PROGRESS)
            .withDescription("Topic of progress updates.");
    public static final ConfigOption<String> TOPIC_RESULTS = key("aimix.topics.results")
            .stringType()
            .defaultValue(Contract.MIX_RESULTS)
            .withDescription("Topic of final results.");
    public static final ConfigOption<String> TOPIC_ERRORS = key("aimix.topics.errors")
            .stringType()
            .defaultValue(Contract.MIX_ERRORS)
            .withDescription("Topic of dead letters.");

    // ------------------------------------------------------------------ alignment and limits

    public static final ConfigOption<Integer> SEGMENT_FRAMES = key("aimix.mix.segment-frames")
            .intType()
            .defaultValue(RenderSettings.DEFAULT_SEGMENT_FRAMES)
            .withDescription("Frames per segment: the unit of alignment, inference and parameter change. A "
                    + "multiple of the mel hop and of the DSP block size; 65536 is 1.49 s at 44.1 kHz.");

    public static final ConfigOption<Integer> MAX_STEMS = key("aimix.mix.max-stems")
            .intType()
            .defaultValue(ContractLimits.DEFAULT_MAX_STEMS)
            .withDescription("Most stems one request may have (TOO_MANY_STEMS).");

    public static final ConfigOption<Duration> MAX_TRACK_DURATION = key("aimix.mix.max-track-duration")
            .durationType()
            .defaultValue(ContractLimits.DEFAULT_MAX_TRACK)
            .withDescription("Longest track accepted (TRACK_TOO_LONG).");

    public static final ConfigOption<Boolean> REQUIRE_UPLOAD_TOKEN = key("aimix.mix.require-upload-token")
            .booleanType()
            .defaultValue(AlignSettings.DEFAULT_REQUIRE_UPLOAD_TOKEN)
            .withDescription("Refuse requests without an upload token (INVALID_REQUEST). Either way a chunk must carry "
                    + "its request's token (or none when the request has none), else it is dropped as "
                    + "UPLOAD_TOKEN_MISMATCH without touching the mix. Off only for producers older than the token.");

    public static final ConfigOption<Integer> MAX_CHUNK_BYTES = key("aimix.mix.max-chunk-bytes")
            .intType()
            .defaultValue(Contract.DEFAULT_MAX_CHUNK_BYTES)
            .withDescription("Largest chunk payload accepted (OVERSIZE_CHUNK); stays under Kafka's 1 MiB default.");

    public static final ConfigOption<Integer> REORDER_WINDOW = key("aimix.mix.reorder-window")
            .intType()
            .defaultValue(AlignSettings.DEFAULT_REORDER_WINDOW)
            .withDescription("How many chunks of a stem may arrive ahead of a missing one and wait for it; beyond "
                    + "that the mix fails with OUT_OF_ORDER_CHUNK.");

    public static final ConfigOption<Duration> CHUNK_TIMEOUT = key("aimix.mix.chunk-timeout")
            .durationType()
            .defaultValue(AlignSettings.DEFAULT_CHUNK_TIMEOUT)
            .withDescription("A mix with no new chunk for this long while incomplete fails with MISSING_CHUNK.");

    public static final ConfigOption<Duration> UNKNOWN_MIX_TIMEOUT = key("aimix.mix.unknown-mix-timeout")
            .durationType()
            .defaultValue(AlignSettings.DEFAULT_UNKNOWN_MIX_TIMEOUT)
            .withDescription("How long chunks wait for their request before they are dropped as UNKNOWN_MIX.");

    public static final ConfigOption<MemorySize> MAX_BUFFERED = key("aimix.mix.max-buffered")
            .memoryType()
            .defaultValue(new MemorySize(AlignSettings.DEFAULT_MAX_BUFFERED_BYTES))
            .withDescription("Most chunk data held for one mix while its stems are aligned (BUFFER_OVERFLOW).");

    public static final ConfigOption<Duration> RETENTION = key("aimix.mix.retention")
            .durationType()
            .defaultValue(AlignSettings.DEFAULT_RETENTION)
            .withDescription("How long an ended mix is remembered, to recognise late chunks and duplicate requests.");

    // ------------------------------------------------------------------ spectrogram

    public static final ConfigOption<Integer> MEL_N_FFT = key("aimix.mel.n-fft")
            .intType()
            .defaultValue(MelSettings.DEFAULT_N_FFT)
            .withDescription("STFT size (periodic Hann window).");
    public static final ConfigOption<Integer> MEL_HOP =
            key("aimix.mel.hop").intType().defaultValue(MelSettings.DEFAULT_HOP).withDescription("STFT hop.");
    public static final ConfigOption<Integer> MEL_BANDS = key("aimix.mel.bands")
            .intType()
            .defaultValue(MelSettings.DEFAULT_BANDS)
            .withDescription("Mel bands (Slaney scale and area normalisation); the model expects 128.");

    // ------------------------------------------------------------------ inference and the model store

    public static final ConfigOption<Duration> MODEL_WAIT = key("aimix.models.unknown-model-wait")
            .durationType()
            .defaultValue(AlignSettings.DEFAULT_MODEL_WAIT)
            .withDescription("How long a request naming a model version or league the registry does not know yet "
                    + "is held (its chunks buffered) before it is refused: the registry and the request topics are "
                    + "read independently, so a model published just before the request may arrive a moment later.");

    public static final ConfigOption<Duration> MODEL_RECHECK = key("aimix.models.recheck-interval")
            .durationType()
            .defaultValue(AlignSettings.DEFAULT_MODEL_RECHECK)
            .withDescription("How often a request waiting for its model checks the registry again.");

    public static final ConfigOption<Integer> BATCH_SEGMENTS = key("aimix.inference.batch-segments")
            .intType()
            .defaultValue(InferenceSettings.DEFAULT_BATCH_SEGMENTS)
            .withDescription("Flush the inference batch once this many segments (of any mixes) wait.");

    public static final ConfigOption<Duration> BATCH_MAX_DELAY = key("aimix.inference.max-delay")
            .durationType()
            .defaultValue(InferenceSettings.DEFAULT_MAX_DELAY)
            .withDescription("Flush the inference batch at the latest this long after its first segment arrived.");

    public static final ConfigOption<InferenceDevice> DEVICE = key("aimix.inference.device")
            .enumType(InferenceDevice.class)
            .defaultValue(InferenceDevice.CPU)
            .withDescription("CPU, or CUDA (needs onnxruntime_gpu and CUDA 12; falls back to CPU with one log "
                    + "line when CUDA cannot load).");

    public static final ConfigOption<Integer> CUDA_DEVICE = key("aimix.inference.cuda-device")
            .intType()
            .defaultValue(0)
            .withDescription("CUDA device id when the device is CUDA.");

    public static final ConfigOption<Integer> ORT_THREADS = key("aimix.inference.threads")
            .intType()
            .defaultValue(0)
            .withDescription("ONNX Runtime intra-op threads per session (0: ONNX Runtime's default, all cores).");

    public static final ConfigOption<Integer> SESSION_CACHE_SESSIONS = key("aimix.inference.session-cache.max-sessions")
            .intType()
            .defaultValue(SessionCache.DEFAULT_MAX_SESSIONS)
            .withDescription("ONNX Runtime sessions kept per TaskManager (shared by all inference subtasks); the "
                    + "least recently used unleased one is closed beyond this.");

    public static final ConfigOption<MemorySize> SESSION_CACHE_BYTES = key("aimix.inference.session-cache.max-bytes")
            .memoryType()
            .defaultValue(new MemorySize(SessionCache.DEFAULT_MAX_BYTES))
            .withDescription("Total model-file bytes of the sessions kept per TaskManager; least recently used "
                    + "sessions are closed beyond this.");

    // ------------------------------------------------------------------ rendering

    public static final ConfigOption<Integer> RAMP_FRAMES = key("aimix.render.ramp-frames")
            .intType()
            .defaultValue(RenderSettings.DEFAULT_RAMP_FRAMES)
            .withDescription("Parameter changes at segment starts are ramped over this many frames (no clicks).");

    public static final ConfigOption<Integer> BLOCK_FRAMES = key("aimix.render.block-frames")
            .intType()
            .defaultValue(RenderSettings.DEFAULT_BLOCK_FRAMES)
            .withDescription("Block size of the compressor's gain computer and of EQ coefficient updates.");

    public static final ConfigOption<Double> LOW_SHELF_HZ = key("aimix.render.low-shelf-hz")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_LOW_SHELF_HZ)
            .withDescription("Corner of the low-shelf EQ.");
    public static final ConfigOption<Double> MID_PEAK_HZ = key("aimix.render.mid-peak-hz")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_MID_PEAK_HZ)
            .withDescription("Centre of the peaking EQ.");
    public static final ConfigOption<Double> MID_PEAK_Q = key("aimix.render.mid-peak-q")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_MID_PEAK_Q)
            .withDescription("Q of the peaking EQ.");
    public static final ConfigOption<Double> HIGH_SHELF_HZ = key("aimix.render.high-shelf-hz")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_HIGH_SHELF_HZ)
            .withDescription("Corner of the high-shelf EQ.");
    public static final ConfigOption<Double> SHELF_SLOPE = key("aimix.render.shelf-slope")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_SHELF_SLOPE)
            .withDescription("Shelf slope S of both shelves (1 = steepest monotone).");

    public static final ConfigOption<Double> COMP_ATTACK_MS = key("aimix.render.compressor-attack-ms")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_COMP_ATTACK_MS)
            .withDescription("Compressor attack time constant.");
    public static final ConfigOption<Double> COMP_RELEASE_MS = key("aimix.render.compressor-release-ms")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_COMP_RELEASE_MS)
            .withDescription("Compressor release time constant.");
    public static final ConfigOption<Double> COMP_KNEE_DB = key("aimix.render.compressor-knee-db")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_COMP_KNEE_DB)
            .withDescription("Compressor soft-knee width.");

    public static final ConfigOption<Double> TARGET_LUFS = key("aimix.render.target-lufs")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_TARGET_LUFS)
            .withDescription("Default master loudness target (a request may set its own).");
    public static final ConfigOption<Double> CEILING_DBFS = key("aimix.render.ceiling-dbfs")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_CEILING_DBFS)
            .withDescription("Default master limiter ceiling (a request may set its own).");
    public static final ConfigOption<Double> MAX_MASTER_GAIN_DB = key("aimix.render.max-master-gain-db")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_MAX_MASTER_GAIN_DB)
            .withDescription("Most the loudness normalisation may boost.");
    public static final ConfigOption<Double> MIN_MASTER_GAIN_DB = key("aimix.render.min-master-gain-db")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_MIN_MASTER_GAIN_DB)
            .withDescription("Most the loudness normalisation may cut.");
    public static final ConfigOption<Double> LIMITER_LOOKAHEAD_MS = key("aimix.render.limiter-lookahead-ms")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_LIMITER_LOOKAHEAD_MS)
            .withDescription("Look-ahead (and latency) of the master limiter.");
    public static final ConfigOption<Double> LIMITER_RELEASE_MS = key("aimix.render.limiter-release-ms")
            .doubleType()
            .defaultValue(RenderSettings.DEFAULT_LIMITER_RELEASE_MS)
            .withDescription("Release time constant of the master limiter.");

    // ------------------------------------------------------------------ job

    public static final ConfigOption<String> JOB_NAME = key("aimix.job.name")
            .stringType()
            .defaultValue("AI Mixer: mix job")
            .withDescription("Name of the job in the Flink UI.");

    public static final ConfigOption<Integer> STEM_THREADS = key("aimix.job.stem-threads")
            .intType()
            .defaultValue(Math.min(4, Runtime.getRuntime().availableProcessors()))
            .withDescription("Threads a single mix's stems (and a battle's variants) may use inside the log-mel and "
                    + "assembly stages, so one long mix uses more than one core. 1: all on the task thread.");

    /** Where a job without a checkpoint starts reading. */
    public enum StartingOffsets {
        COMMITTED_OR_EARLIEST,
        EARLIEST,
        LATEST
    }

    // ------------------------------------------------------------------ settings objects for the operators

    public static AlignSettings align(ReadableConfig c) {
        return new AlignSettings(
                c.get(SEGMENT_FRAMES),
                c.get(MAX_STEMS),
                c.get(MAX_TRACK_DURATION).toMillis() / 1000.0,
                c.get(MAX_CHUNK_BYTES),
                c.get(REORDER_WINDOW),
                c.get(CHUNK_TIMEOUT).toMillis(),
                c.get(UNKNOWN_MIX_TIMEOUT).toMillis(),
                c.get(MAX_BUFFERED).getBytes(),
                c.get(RETENTION).toMillis(),
                ContractLimits.MIN_SAMPLE_RATE,
                ContractLimits.MAX_SAMPLE_RATE,
                c.get(MODEL_WAIT).toMillis(),
                c.get(MODEL_RECHECK).toMillis(),
                c.get(REQUIRE_UPLOAD_TOKEN));
    }

    public static MelSettings mel(ReadableConfig c) {
        return new MelSettings(c.get(MEL_N_FFT), c.get(MEL_HOP), c.get(MEL_BANDS), c.get(STEM_THREADS));
    }

    public static InferenceSettings inference(ReadableConfig c) {
        return new InferenceSettings(
                c.get(BATCH_SEGMENTS), c.get(BATCH_MAX_DELAY).toMillis());
    }

    /** The mix job's sessions: its log-mel stage measures the stems' descriptors, so models that take them run. */
    public static SessionSettings sessions(ReadableConfig c) {
        return new SessionSettings(c.get(DEVICE), c.get(CUDA_DEVICE), c.get(ORT_THREADS)).withDescriptors();
    }

    public static AssemblySettings assembly(ReadableConfig c) {
        RenderSettings template = RenderSettings.builder(RenderSettings.DEFAULT_SAMPLE_RATE)
                .segmentFrames(c.get(SEGMENT_FRAMES))
                .rampFrames(c.get(RAMP_FRAMES))
                .blockFrames(c.get(BLOCK_FRAMES))
                .eq(
                        c.get(LOW_SHELF_HZ),
                        c.get(MID_PEAK_HZ),
                        c.get(MID_PEAK_Q),
                        c.get(HIGH_SHELF_HZ),
                        c.get(SHELF_SLOPE))
                .compressor(c.get(COMP_ATTACK_MS), c.get(COMP_RELEASE_MS), c.get(COMP_KNEE_DB))
                .targetLufs(c.get(TARGET_LUFS))
                .ceilingDbfs(c.get(CEILING_DBFS))
                .masterGainRange(c.get(MIN_MASTER_GAIN_DB), c.get(MAX_MASTER_GAIN_DB))
                .limiter(c.get(LIMITER_LOOKAHEAD_MS), c.get(LIMITER_RELEASE_MS))
                .build();
        return new AssemblySettings(template, c.get(STEM_THREADS));
    }

    /** Checks that the options fit together; throws IllegalArgumentException naming the option otherwise. */
    public static void validate(ReadableConfig c) {
        KafkaOptions.connection(c);
        CacheOptions.settings(c);
        int segment = c.get(SEGMENT_FRAMES);
        if (segment % c.get(MEL_HOP) != 0) {
            throw new IllegalArgumentException(SEGMENT_FRAMES.key() + " (" + segment + ") must be a multiple of "
                    + MEL_HOP.key() + " (" + c.get(MEL_HOP) + ")");
        }
        if (segment % c.get(BLOCK_FRAMES) != 0) {
            throw new IllegalArgumentException(SEGMENT_FRAMES.key() + " must be a multiple of " + BLOCK_FRAMES.key());
        }
        if (2L * 4 * segment > c.get(MAX_CHUNK_BYTES)) {
            throw new IllegalArgumentException(SEGMENT_FRAMES.key() + " (" + segment + ") makes output chunks of "
                    + (8L * segment) + " bytes, above " + MAX_CHUNK_BYTES.key());
        }
        if (!c.getOptional(ModelStoreOptions.MODEL_STORE).isPresent()) {
            throw new IllegalArgumentException(ModelStoreOptions.MODEL_STORE.key() + " is required");
        }
    }

    /** The mix job's own options (the shared ones are {@link KafkaOptions} and {@link ModelStoreOptions}). */
    public static List<ConfigOption<?>> all() {
        return JobOptions.declaredIn(MixJobOptions.class);
    }
}
