package ai.aimix.model.quantize;

import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.schema.ModelPrecision;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.platform.Fp16Conversions;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quantization of ONNX model files, in Java (ONNX Runtime's Java API has none). The graph is rewritten, never a
 * session's initializers swapped (ONNX Runtime's {@code addInitializer} gives wrong results at the ALL_OPT and
 * LAYOUT_OPT levels).
 *
 * <ul>
 *   <li>{@link #fp16}: every float weight of 16 values or more is stored as float16 and cast back to float at the
 *       start of the graph: the file halves, computation stays float32 (on the CPU fp16 brings no speed).</li>
 *   <li>{@link #int8}: static QDQ. Weights of Conv nodes are quantized per output channel to int8
 *       (symmetric, zero point 0), their biases to int32 with scale = input scale x weight scale; the activations
 *       entering and leaving every Conv get QuantizeLinear / DequantizeLinear pairs to uint8 with scales
 *       from calibration ({@link ai.aimix.model.runtime.Calibration}). ONNX Runtime fuses the pattern into
 *       QLinearConv and uint8 max pooling. The dense head (two small Gemm layers, under 0.1 % of the arithmetic) stays
 *       float32: quantizing it brought no speed and tripled the mix distance to the fp32 model's mix (0.017 to
 *       0.054 on generated songs).</li>
 * </ul>
 * Both record the precision in the model's metadata and the new id.
 */
public final class Quantizer {
    /** Initializers smaller than this stay float32 in fp16 models (scalars, output scaling vectors). */
    static final int FP16_MIN_VALUES = 16;

    private Quantizer() {}

    /** The model with its weights stored as float16. */
    public static byte[] fp16(byte[] onnx, String newId) {
        ModelProto m = fp32(onnx);
        GraphProto g = m.getGraph();
        GraphProto.Builder out = g.toBuilder().clearInitializer().clearNode();
        List<NodeProto> casts = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber() || count(t) < FP16_MIN_VALUES) {
                out.addInitializer(t);
                continue;
            }
            float[] v = floats(t);
            ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) {
                b.putShort(Fp16Conversions.floatToFp16(x));
            }
            out.addInitializer(t.toBuilder()
                    .setName(t.getName() + "_fp16")
                    .setDataType(TensorProto.DataType.FLOAT16.getNumber())
                    .clearFloatData()
                    .setRawData(ByteString.copyFrom(b.array())));
            casts.add(NodeProto.newBuilder()
                    .setOpType("Cast")
                    .setName(t.getName() + "_cast")
                    .addInput(t.getName() + "_fp16")
                    .addOutput(t.getName())
                    .addAttribute(AttributeProto.newBuilder()
                            .setName("to")
                            .setType(AttributeProto.AttributeType.INT)
                            .setI(TensorProto.DataType.FLOAT.getNumber()))
                    .build());
        }
        out.addAllNode(casts);
        out.addAllNode(g.getNodeList());
        return withMetadata(m.toBuilder().setGraph(out), newId, ModelPrecision.FP16);
    }

    /**
     * Activation tensors that {@link #int8} quantizes and needs calibration ranges for, in graph order: the input and
     * the output of every Conv (the output taken after its Relu when a Relu is its only consumer, so the range starts
     * at 0 and ONNX Runtime folds the Relu into the quantized convolution).
     */
    public static List<String> activations(byte[] onnx) {
        return new ArrayList<>(plan(MixNetOnnx.parse(onnx).getGraph()).keySet());
    }

    /**
     * Calibrated tensor -> whether it is a quantized output (true) or only a Conv input (false). The output of
     * a MaxPool over a quantized output is not listed: it reuses its input's scale.
     */
    private static Map<String, Boolean> plan(GraphProto g) {
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            for (String o : n.getOutputList()) {
                producers.put(o, n);
            }
        }
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (!isQuantizable(n)) {
                continue;
            }
            NodeProto source = producers.get(n.getInput(0));
            boolean pooled = source != null
                    && source.getOpType().equals("MaxPool")
                    && Boolean.TRUE.equals(out.get(source.getInput(0)));
            if (!pooled) {
                out.putIfAbsent(n.getInput(0), false);
            }
            String y = n.getOutput(0);
            List<NodeProto> c = consumers.getOrDefault(y, List.of());
            if (c.size() == 1 && c.get(0).getOpType().equals("Relu")) {
                out.put(c.get(0).getOutput(0), true);
            } else {
                out.put(y, true);
            }
        }
        return out;
    }

    private static boolean isQuantizable(NodeProto n) {
        return n.getOpType().equals("Conv");
    }

    /**
     * Static int8 QDQ with the activation {@code ranges} ({min, max} per tensor of {@link #activations}) observed on
     * representative inputs. A MaxPool over a quantized tensor is wrapped with the same scale and zero point, so it
     * runs on uint8 too.
     */
    public static byte[] int8(byte[] onnx, String newId, Map<String, float[]> ranges) {
        ModelProto m = fp32(onnx);
        GraphProto g = m.getGraph();
        Map<String, TensorProto> init = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            init.put(t.getName(), t);
        }
        Map<String, Boolean> plan = plan(g);
        Set<String> replaced = new LinkedHashSet<>();
        List<TensorProto> added = new ArrayList<>();
        List<NodeProto> nodes = new ArrayList<>();
        Map<String, String> params = new HashMap<>(); // tensor -> prefix of its _scale / _zp initializers
        Map<String, Float> scales = new HashMap<>(); // prefix -> scale
        Map<String, String> dequantized = new HashMap<>(); // tensor -> name of its dequantized value
        for (String a : plan.keySet()) {
            float[] r = ranges.get(a);
            if (r == null) {
                throw new IllegalArgumentException("no calibration range for " + a);
            }
            if (!(Float.isFinite(r[0]) && Float.isFinite(r[1]))) {
                throw new IllegalArgumentException("calibration range of " + a + " is not finite");
            }
            float lo = Math.min(0f, r[0]);
            float hi = Math.max(0f, r[1]);
            float scale = hi > lo ? (hi - lo) / 255f : 1f;
            int zp = Math.max(0, Math.min(255, Math.round(-lo / scale)));
            params.put(a, a);
            scales.put(a, scale);
            added.add(scalar(a + "_scale", scale));
            added.add(uint8Scalar(a + "_zp", zp));
        }
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder b = n.toBuilder();
            if (isQuantizable(n)) {
                String x = n.getInput(0);
                b.setInput(0, dequantizedInput(x, params, dequantized, nodes));
                String w = n.getInput(1);
                TensorProto wt = init.get(w);
                if (wt != null) {
                    float[] wScale = quantizeWeights(wt, added, nodes);
                    replaced.add(w);
                    if (n.getInputCount() > 2 && init.containsKey(n.getInput(2))) {
                        quantizeBias(init.get(n.getInput(2)), scales.get(params.get(x)), wScale, added, nodes);
                        replaced.add(n.getInput(2));
                    }
                }
            } else if (n.getOpType().equals("MaxPool") && dequantized.containsKey(n.getInput(0))) {
                // uint8 max pooling: same scale in and out
                String x = n.getInput(0);
                params.put(n.getOutput(0), params.get(x));
                plan.put(n.getOutput(0), true);
            }
            String y = n.getOutput(0);
            if (Boolean.TRUE.equals(plan.get(y))) {
                // quantized and dequantized under the original name, for every consumer
                String p = params.get(y);
                b.setOutput(0, y + "_float");
                nodes.add(b.build());
                nodes.add(node("QuantizeLinear", List.of(y + "_float", p + "_scale", p + "_zp"), y + "_q"));
                nodes.add(node("DequantizeLinear", List.of(y + "_q", p + "_scale", p + "_zp"), y));
                dequantized.put(y, y);
            } else {
                nodes.add(b.build());
            }
        }
        GraphProto.Builder out = g.toBuilder().clearInitializer().clearNode();
        for (TensorProto t : g.getInitializerList()) {
            if (!replaced.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        out.addAllInitializer(added);
        out.addAllNode(nodes);
        return withMetadata(m.toBuilder().setGraph(out), newId, ModelPrecision.INT8);
    }

    /** The dequantized value of a Conv input, adding its Q/DQ pair the first time. */
    private static String dequantizedInput(
            String x, Map<String, String> params, Map<String, String> dequantized, List<NodeProto> nodes) {
        String done = dequantized.get(x);
        if (done != null) {
            return done;
        }
        String p = params.get(x);
        nodes.add(node("QuantizeLinear", List.of(x, p + "_scale", p + "_zp"), x + "_q"));
        nodes.add(node("DequantizeLinear", List.of(x + "_q", p + "_scale", p + "_zp"), x + "_dq"));
        dequantized.put(x, x + "_dq");
        return x + "_dq";
    }

    /** Per-output-channel symmetric int8; adds the DQ node producing the float weight. Returns the scales. */
    private static float[] quantizeWeights(TensorProto w, List<TensorProto> added, List<NodeProto> nodes) {
        float[] v = floats(w);
        int channels = (int) w.getDims(0);
        int per = v.length / channels;
        float[] scale = new float[channels];
        byte[] q = new byte[v.length];
        for (int c = 0; c < channels; c++) {
            float max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(v[c * per + i]));
            }
            scale[c] = max > 0 ? max / 127f : 1f;
            for (int i = 0; i < per; i++) {
                q[c * per + i] = (byte) Math.max(-127, Math.min(127, Math.round(v[c * per + i] / scale[c])));
            }
        }
        String name = w.getName();
        added.add(w.toBuilder()
                .setName(name + "_q")
                .setDataType(TensorProto.DataType.INT8.getNumber())
                .clearFloatData()
                .setRawData(ByteString.copyFrom(q))
                .build());
        added.add(floatVector(name + "_scale", scale));
        added.add(TensorProto.newBuilder()
                .setName(name + "_zp")
                .setDataType(TensorProto.DataType.INT8.getNumber())
                .addDims(channels)
                .setRawData(ByteString.copyFrom(new byte[channels]))
                .build());
        nodes.add(node("DequantizeLinear", List.of(name + "_q", name + "_scale", name + "_zp"), name).toBuilder()
                .addAttribute(intAttr("axis", 0))
                .build());
        return scale;
    }

    /** int32 bias with scale x_scale * w_scale[c], zero point 0, as ONNX Runtime's QLinearConv fusion expects. */
    private static void quantizeBias(
            TensorProto b, float xScale, float[] wScale, List<TensorProto> added, List<NodeProto> nodes) {
        float[] v = floats(b);
        float[] scale = new float[v.length];
        ByteBuffer q = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < v.length; c++) {
            scale[c] = xScale * wScale[c];
            q.putInt((int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.round(v[c] / scale[c]))));
        }
        String name = b.getName();
        added.add(TensorProto.newBuilder()
                .setName(name + "_q")
                .setDataType(TensorProto.DataType.INT32.getNumber())
                .addDims(v.length)
                .setRawData(ByteString.copyFrom(q.array()))
                .build());
        added.add(floatVector(name + "_scale", scale));
        added.add(TensorProto.newBuilder()
                .setName(name + "_zp")
                .setDataType(TensorProto.DataType.INT32.getNumber())
                .addDims(v.length)
                .setRawData(ByteString.copyFrom(new byte[4 * v.length]))
                .build());
        nodes.add(node("DequantizeLinear", List.of(name + "_q", name + "_scale", name + "_zp"), name).toBuilder()
                .addAttribute(intAttr("axis", 0))
                .build());
    }

    /** Quantization starts from float32 weights: quantizing a quantized model would compound the error. */
    private static ModelProto fp32(byte[] onnx) {
        ModelPrecision p = OnnxModelInfo.of(onnx).precision;
        if (p != ModelPrecision.FP32) {
            throw new IllegalArgumentException("the model is already " + p + "; quantize its fp32 parent instead");
        }
        return MixNetOnnx.parse(onnx);
    }

    private static byte[] withMetadata(ModelProto.Builder m, String newId, ModelPrecision precision) {
        List<StringStringEntryProto> keep = new ArrayList<>();
        for (StringStringEntryProto p : m.getMetadataPropsList()) {
            if (!p.getKey().equals(MixNetOnnx.META_VERSION) && !p.getKey().equals(MixNetOnnx.META_PRECISION)) {
                keep.add(p);
            }
        }
        m.clearMetadataProps()
                .addAllMetadataProps(keep)
                .addMetadataProps(StringStringEntryProto.newBuilder()
                        .setKey(MixNetOnnx.META_VERSION)
                        .setValue(newId))
                .addMetadataProps(StringStringEntryProto.newBuilder()
                        .setKey(MixNetOnnx.META_PRECISION)
                        .setValue(precision.name()));
        return m.build().toByteArray();
    }

    private static NodeProto node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(output + "_" + op)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(v)
                .build();
    }

    private static TensorProto scalar(String name, float v) {
        return floatVector(name, new float[] {v}).toBuilder().clearDims().build();
    }

    private static TensorProto uint8Scalar(String name, int v) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.UINT8.getNumber())
                .setRawData(ByteString.copyFrom(new byte[] {(byte) v}))
                .build();
    }

    private static TensorProto floatVector(String name, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(v.length)
                .setRawData(ByteString.copyFrom(b.array()))
                .build();
    }

    private static long count(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    static float[] floats(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }
}
