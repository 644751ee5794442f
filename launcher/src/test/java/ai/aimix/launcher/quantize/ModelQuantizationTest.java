package ai.aimix.launcher.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.model.quantize.Quantizer;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.runtime.Calibration;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.schema.ModelPrecision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quantization measured the way the promotion gate reads it, on generated songs through the job's log-mel and
 * renderer, for a model of the shipped architecture with opinions (random weights: the shipped first version is
 * exactly neutral, and any quantization of it is too).
 */
class ModelQuantizationTest {
    static ModelQuantization run;
    static byte[] parent;

    @BeforeAll
    static void setUp() {
        run = new ModelQuantization(new Configuration(), new ModelQuantization.Settings(2, 1, 12, 5));
        parent = MixNetOnnx.build(MixNetWeights.random(21L, 1f), "opinionated");
    }

    @Test
    void fp16AndInt8StayWithinTheGate() throws Exception {
        for (ModelPrecision p : List.of(ModelPrecision.FP16, ModelPrecision.INT8)) {
            ModelQuantization.Outcome o = run.quantize(parent, p, "q-" + p);
            assertEquals(p, OnnxModelInfo.of(o.onnx).precision);
            assertTrue(o.withinBounds(), p + ": " + o.metrics());
            assertTrue(o.deviation.max() > 0, p + " changed nothing");
        }
    }

    @Test
    void badlyCalibratedInt8FailsTheGate() throws Exception {
        // activation ranges a tenth of what the songs produce: activations clip, parameters move
        Map<String, float[]> ranges =
                new HashMap<>(Calibration.ranges(parent, Quantizer.activations(parent), run.calibrationBatches()));
        ranges.replaceAll((k, r) -> new float[] {r[0] / 10, r[1] / 10});
        byte[] clipped = Quantizer.int8(parent, "clipped", ranges);
        ModelQuantization.Outcome o = run.evaluate(parent, clipped, ModelPrecision.INT8);
        assertFalse(o.withinBounds(), o.metrics().toString());
        assertTrue(o.deviation.max() > RegistryChanges.MAX_PARAM_DEVIATION);
    }

    /**
     * What the mix bound means: a random +-0.25 dB error in every stem's level (the parent's own parameters
     * otherwise) already moves the mix further than {@link RegistryChanges#MAX_MIX_DISTANCE}; the distance grows
     * with the error.
     */
    @Test
    void theMixBoundIsTighterThanAQuarterDecibelLevelError() throws Exception {
        Configuration conf = new Configuration();
        ProbeSong song =
                ProbeSong.generate(77, 44100, 12, 6, conf.get(MixJobOptions.SEGMENT_FRAMES), MixJobOptions.mel(conf));
        RenderSettings render = MixJobOptions.assembly(conf).forRequest(44100, null, null);
        try (MixNetSession s = MixNetSession.open("parent", parent, SessionSettings.cpu(1))) {
            float[][][] schedule = song.schedule(s);
            float[][] reference = song.render(render, schedule);
            double previous = 0;
            for (double db : new double[] {0.1, 0.25, 1}) {
                SplittableRandom r = new SplittableRandom(3);
                float[][][] off = new float[schedule.length][][];
                float[] level = new float[6];
                for (int i = 0; i < level.length; i++) {
                    level[i] = (float) (r.nextBoolean() ? db : -db);
                }
                for (int k = 0; k < schedule.length; k++) {
                    off[k] = new float[6][];
                    for (int i = 0; i < 6; i++) {
                        off[k][i] = schedule[k][i].clone();
                        off[k][i][ModelOutput.GAIN_DB.ordinal()] += level[i];
                    }
                }
                double d =
                        MixComparison.compare(reference, 44100, song.render(render, off), 44100, false).mrStft.distance;
                assertTrue(d > previous, db + " dB: " + d);
                previous = d;
                if (db == 0.25) {
                    assertTrue(d > RegistryChanges.MAX_MIX_DISTANCE, "+-0.25 dB per stem: " + d);
                }
            }
        }
    }
}
