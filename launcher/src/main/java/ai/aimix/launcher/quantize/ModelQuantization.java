package ai.aimix.launcher.quantize;

import ai.aimix.clients.song.SongGenerator;
import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.quantize.QuantizationCheck;
import ai.aimix.model.quantize.Quantizer;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.runtime.Calibration;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.schema.ModelPrecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Quantizes a model and measures what it cost: calibration on generated songs run through the mix job's log-mel,
 * then, on other songs, the parameters' deviation from the fp32 parent (fraction of each parameter's range) and the
 * MR-STFT distance between the two models' rendered mixes (after loudness matching). These two numbers are the
 * metrics the registry's promotion gate reads.
 */
public final class ModelQuantization {
    /** Songs and their length used to calibrate and to evaluate; the seeds make a run reproducible. */
    public static final class Settings {
        final int calibrationSongs;
        final int evaluationSongs;
        final double seconds;
        final long seed;

        public Settings(int calibrationSongs, int evaluationSongs, double seconds, long seed) {
            if (calibrationSongs < 1 || evaluationSongs < 1 || !(seconds >= 1)) {
                throw new IllegalArgumentException("need at least one calibration and one evaluation song of >= 1 s");
            }
            this.calibrationSongs = calibrationSongs;
            this.evaluationSongs = evaluationSongs;
            this.seconds = seconds;
            this.seed = seed;
        }

        public static Settings defaults() {
            return new Settings(4, 2, 20, 2024);
        }
    }

    /** A quantized model and its measured distance from its parent. */
    public static final class Outcome {
        public final byte[] onnx;
        public final ModelPrecision precision;
        public final QuantizationCheck.Deviation deviation;
        /** The largest MR-STFT distance between parent and quantized mixes over the evaluation songs. */
        public final double mixDistance;

        Outcome(byte[] onnx, ModelPrecision precision, QuantizationCheck.Deviation deviation, double mixDistance) {
            this.onnx = onnx;
            this.precision = precision;
            this.deviation = deviation;
            this.mixDistance = mixDistance;
        }

        /** The descriptor metrics the promotion gate checks, plus the per-parameter deviations. */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(RegistryChanges.METRIC_MAX_PARAM_DEVIATION, deviation.max());
            m.put(RegistryChanges.METRIC_MIX_DISTANCE, mixDistance);
            for (ModelOutput o : ModelOutput.values()) {
                m.put(
                        "param_deviation_" + o.name().toLowerCase(Locale.ROOT),
                        deviation.perOutput()[o.ordinal()]);
            }
            return m;
        }

        /** Whether the promotion gate would accept these numbers. */
        public boolean withinBounds() {
            return deviation.max() <= RegistryChanges.MAX_PARAM_DEVIATION
                    && mixDistance <= RegistryChanges.MAX_MIX_DISTANCE;
        }
    }

    private final ReadableConfig config;
    private final Settings settings;
    private List<ProbeSong> calibration;
    private List<ProbeSong> evaluation;

    /** @param config the mix job's options (segment length, log-mel, render settings), as the service runs */
    public ModelQuantization(ReadableConfig config, Settings settings) {
        this.config = config;
        this.settings = settings;
    }

    public Outcome quantize(byte[] parent, ModelPrecision precision, String newId) throws Exception {
        byte[] onnx;
        switch (precision) {
            case FP16:
                onnx = Quantizer.fp16(parent, newId);
                break;
            case INT8:
                onnx = Quantizer.int8(
                        parent,
                        newId,
                        Calibration.ranges(parent, Quantizer.activations(parent), batches(calibrationSongs())));
                break;
            default:
                throw new IllegalArgumentException("quantize to FP16 or INT8, not " + precision);
        }
        return evaluate(parent, onnx, precision);
    }

    /** Deviation and mix distance of {@code candidate} against {@code parent} on the evaluation songs. */
    public Outcome evaluate(byte[] parent, byte[] candidate, ModelPrecision precision) throws Exception {
        List<ProbeSong> songs = evaluationSongs();
        QuantizationCheck.Deviation deviation = QuantizationCheck.maxDeviation(parent, candidate, batches(songs));
        double distance = 0;
        SessionSettings cpu = SessionSettings.cpu(1).withDescriptors(); // the probe songs carry them
        try (MixNetSession a = MixNetSession.open("parent", parent, cpu);
                MixNetSession b = MixNetSession.open("candidate", candidate, cpu)) {
            for (ProbeSong s : songs) {
                RenderSettings render = MixJobOptions.assembly(config).forRequest(s.sampleRate, null, null);
                float[][] reference = s.render(render, s.schedule(a));
                float[][] quantized = s.render(render, s.schedule(b));
                double d =
                        MixComparison.compare(reference, s.sampleRate, quantized, s.sampleRate, false).mrStft.distance;
                distance = Math.max(distance, d);
            }
        }
        return new Outcome(candidate, precision, deviation, distance);
    }

    /** The calibration batches (one per segment of every calibration song). */
    public List<MixNetBatch> calibrationBatches() {
        return batches(calibrationSongs());
    }

    /** The evaluation batches. */
    public List<MixNetBatch> evaluationBatches() {
        return batches(evaluationSongs());
    }

    private List<ProbeSong> calibrationSongs() {
        if (calibration == null) {
            calibration = songs(settings.seed, settings.calibrationSongs);
        }
        return calibration;
    }

    private List<ProbeSong> evaluationSongs() {
        if (evaluation == null) {
            // different songs from calibration: the deviation is measured on inputs the scales were not fitted to
            evaluation = songs(settings.seed + 100_000, settings.evaluationSongs);
        }
        return evaluation;
    }

    private List<ProbeSong> songs(long seed, int count) {
        List<ProbeSong> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int stems = SongGenerator.MIN_STEMS + i % (SongGenerator.MAX_STEMS - SongGenerator.MIN_STEMS + 1);
            out.add(ProbeSong.generate(
                    seed + i,
                    44100,
                    settings.seconds,
                    stems,
                    config.get(MixJobOptions.SEGMENT_FRAMES),
                    MixJobOptions.mel(config)));
        }
        return out;
    }

    private static List<MixNetBatch> batches(List<ProbeSong> songs) {
        List<MixNetBatch> out = new ArrayList<>();
        for (ProbeSong s : songs) {
            out.addAll(s.segments);
        }
        return out;
    }
}
