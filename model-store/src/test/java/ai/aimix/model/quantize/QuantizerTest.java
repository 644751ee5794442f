package ai.aimix.model.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.model.runtime.Calibration;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.schema.ModelPrecision;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fp16 and static int8 QDQ models against their float32 parent. Parameter deviations are fractions of each
 * parameter's range ({@link QuantizationCheck}); the model has random weights whose outputs are mostly inside their
 * ranges and away from neutral, so the comparison is informative. Calibration and evaluation inputs are different
 * draws from the same distribution of log-mel spectrograms (a spectral tilt plus noise).
 */
class QuantizerTest {
    /** fp16 stores weights with 11 significant bits; computation stays float32. Measured: 2.3e-4. */
    static final double FP16_TOLERANCE = 1e-3;
    /** int8 convolutions; measured 0.0057 of the range on these inputs (0.2 dB of gain). */
    static final double INT8_TOLERANCE = 0.015;

    static byte[] fp32;
    static MixNetWeights weights;
    static List<MixNetBatch> calibration;
    static List<MixNetBatch> evaluation;

    @BeforeAll
    static void model() {
        weights = MixNetWeights.random(11L, 1f);
        fp32 = MixNetOnnx.build(weights, "parent");
        calibration = batches(4, 16, 128, 1);
        evaluation = batches(2, 32, 128, 2);
    }

    @Test
    void fp16HalvesTheFileAndKeepsTheParameters() throws Exception {
        byte[] fp16 = Quantizer.fp16(fp32, "parent-fp16");
        assertTrue(fp16.length < 0.55 * fp32.length, fp16.length + " vs " + fp32.length);
        OnnxModelInfo info = OnnxModelInfo.of(fp16);
        assertEquals(ModelPrecision.FP16, info.precision);
        assertEquals("parent-fp16", info.declaredId);
        assertEquals(OnnxModelInfo.of(fp32).inputs, info.inputs);
        assertEquals(OnnxModelInfo.of(fp32).outputs, info.outputs);
        QuantizationCheck.Deviation d = QuantizationCheck.maxDeviation(fp32, fp16, evaluation);
        assertInformative();
        assertTrue(d.max() < FP16_TOLERANCE, "fp16 deviation " + d.max());
        assertEquals(64, d.rows());
    }

    @Test
    void int8KeepsTheParametersWithinTheBound() throws Exception {
        byte[] int8 = int8();
        // convolution weights to a quarter; the float dense head (fc1, 5 k weights) is most of what is left
        assertTrue(int8.length < 0.55 * fp32.length, int8.length + " vs " + fp32.length);
        OnnxModelInfo info = OnnxModelInfo.of(int8);
        assertEquals(ModelPrecision.INT8, info.precision);
        assertEquals("parent-int8", info.declaredId);
        QuantizationCheck.Deviation d = QuantizationCheck.maxDeviation(fp32, int8, evaluation);
        assertTrue(d.max() < INT8_TOLERANCE, "int8 deviation " + d.max());
        assertTrue(d.max() > 0, "an int8 model that matches exactly quantized nothing");
        assertEquals(d.perOutput()[ModelOutput.GAIN_DB.ordinal()] * 36, d.inUnits(ModelOutput.GAIN_DB), 1e-12);
    }

    @Test
    void int8WeightsArePerChannelSymmetricWithinHalfAStep() {
        GraphProto g = MixNetOnnx.parse(int8()).getGraph();
        Map<String, TensorProto> init = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            init.put(t.getName(), t);
        }
        for (String name : List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")) {
            assertEquals(
                    TensorProto.DataType.FLOAT.getNumber(), init.get(name).getDataType(), "dense head stays float");
        }
        for (String name : List.of("conv1.weight", "conv2.weight", "conv3.weight")) {
            assertFalse(init.containsKey(name), name + " still stored as float");
            TensorProto q = init.get(name + "_q");
            assertEquals(TensorProto.DataType.INT8.getNumber(), q.getDataType());
            float[] scale = Quantizer.floats(init.get(name + "_scale"));
            float[] w = weights.get(name);
            byte[] qv = q.getRawData().toByteArray();
            assertEquals(w.length, qv.length);
            int per = w.length / scale.length;
            assertEquals(MixNetWeights.shape(name)[0], scale.length, name + ": one scale per output channel");
            for (int c = 0; c < scale.length; c++) {
                float max = 0;
                for (int i = 0; i < per; i++) {
                    max = Math.max(max, Math.abs(w[c * per + i]));
                    assertEquals(w[c * per + i], qv[c * per + i] * scale[c], scale[c] / 2 + 1e-9, name + "[" + c + "]");
                }
                assertEquals(max / 127f, scale[c], 1e-9, "symmetric scale of " + name + "[" + c + "]");
            }
            // biases: int32 at scale input_scale x weight_scale, zero point 0
            TensorProto b = init.get(name.replace("weight", "bias") + "_q");
            assertEquals(TensorProto.DataType.INT32.getNumber(), b.getDataType());
            float[] bias = weights.get(name.replace("weight", "bias"));
            float[] bScale = Quantizer.floats(init.get(name.replace("weight", "bias") + "_scale"));
            ByteBuffer bb = b.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < bias.length; c++) {
                assertEquals(bias[c], bb.getInt() * bScale[c], bScale[c] / 2 + 1e-9);
            }
        }
        long qdq = g.getNodeList().stream()
                .map(NodeProto::getOpType)
                .filter(op -> op.equals("QuantizeLinear"))
                .count();
        assertEquals(
                6,
                qdq,
                "activation QuantizeLinear nodes: x1, r1, p1, r2, p2, r3 (p1 and p2 with r1's and r2's " + "scales)");
    }

    @Test
    void calibrationRangesFollowTheGraph() throws Exception {
        List<String> tensors = Quantizer.activations(fp32);
        // the first convolution's input and the three rectified outputs; the pooled inputs of conv2 and conv3 reuse
        // the scales of r1 and r2
        assertEquals(List.of("x1", "r1", "r2", "r3"), tensors);
        Map<String, float[]> ranges = Calibration.ranges(fp32, tensors, calibration);
        float[] melRange = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        batches(4, 16, 128, 1, melRange); // the calibration batches again, observed
        float lo = melRange[0];
        float hi = melRange[1];
        // x1 = (mel - offset) / scale
        assertEquals(
                (lo - MixNetArchitecture.MEL_DB_OFFSET) / MixNetArchitecture.MEL_DB_SCALE, ranges.get("x1")[0], 1e-5);
        assertEquals(
                (hi - MixNetArchitecture.MEL_DB_OFFSET) / MixNetArchitecture.MEL_DB_SCALE, ranges.get("x1")[1], 1e-5);
        for (String relu : List.of("r1", "r2", "r3")) {
            assertEquals(0f, ranges.get(relu)[0], relu);
            assertTrue(ranges.get(relu)[1] > 0, relu);
        }
    }

    @Test
    void refusesMissingRangesAndQuantizedParents() throws Exception {
        Map<String, float[]> ranges = Calibration.ranges(fp32, Quantizer.activations(fp32), calibration);
        ranges.remove("r2");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Quantizer.int8(fp32, "x", ranges));
        assertTrue(e.getMessage().contains("r2"), e.getMessage());
        byte[] fp16 = Quantizer.fp16(fp32, "half");
        e = assertThrows(IllegalArgumentException.class, () -> Quantizer.fp16(fp16, "quarter"));
        assertTrue(e.getMessage().contains("FP16"), e.getMessage());
    }

    @Test
    void int8OfTheNeutralModelIsExactlyNeutral() throws Exception {
        byte[] neutral = MixNetOnnx.build(MixNetWeights.neutral(1L), "neutral");
        byte[] q = Quantizer.int8(
                neutral, "neutral-int8", Calibration.ranges(neutral, Quantizer.activations(neutral), calibration));
        try (MixNetSession s = MixNetSession.open("neutral-int8", q, SessionSettings.cpu(1))) {
            float[] out = s.predict(evaluation.get(0));
            float[] n = ModelOutput.neutralVector();
            for (int i = 0; i < out.length; i++) {
                assertEquals(n[i % ModelOutput.COUNT], out[i], 0.0);
            }
        }
    }

    private static byte[] int8() {
        try {
            return Quantizer.int8(
                    fp32, "parent-int8", Calibration.ranges(fp32, Quantizer.activations(fp32), calibration));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Most of the parent's outputs are inside their ranges and away from neutral. */
    private static void assertInformative() throws Exception {
        try (MixNetSession s = MixNetSession.open("parent", fp32, SessionSettings.cpu(1))) {
            float[] out = s.predict(evaluation.get(0));
            int inside = 0;
            for (int i = 0; i < out.length; i++) {
                ModelOutput o = ModelOutput.values()[i % ModelOutput.COUNT];
                if (out[i] > o.min()
                        && out[i] < o.max()
                        && Math.abs(out[i] - o.neutral()) > 0.01 * (o.max() - o.min())) {
                    inside++;
                }
            }
            assertTrue(inside > out.length / 2, "only " + inside + " of " + out.length + " informative outputs");
        }
    }

    /** Log-mel-like batches: a per-row spectral tilt plus uniform noise, in dB; 4 rows per mix group. */
    static List<MixNetBatch> batches(int count, int rows, int frames, long seed) {
        return batches(count, rows, frames, seed, new float[2]);
    }

    /** ... and widens {@code range} ({min, max}) to the values generated. */
    static List<MixNetBatch> batches(int count, int rows, int frames, long seed, float[] range) {
        SplittableRandom r = new SplittableRandom(seed);
        List<MixNetBatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            MixNetBatch batch = new MixNetBatch(rows, frames);
            for (int i = 0; i < rows; i++) {
                float[] mel = new float[MixNetArchitecture.MEL_BANDS * frames];
                double tilt = r.nextDouble(-1, 1);
                double level = r.nextDouble(-60, -20);
                for (int k = 0; k < MixNetArchitecture.MEL_BANDS; k++) {
                    for (int t = 0; t < frames; t++) {
                        float v = (float) (level - 30 * tilt * k / 128.0 + 15 * r.nextDouble());
                        mel[k * frames + t] = v;
                        range[0] = Math.min(range[0], v);
                        range[1] = Math.max(range[1], v);
                    }
                }
                batch.add(mel, r.nextInt(MixNetArchitecture.ROLES), i / 4);
            }
            out.add(batch);
        }
        return out;
    }
}
