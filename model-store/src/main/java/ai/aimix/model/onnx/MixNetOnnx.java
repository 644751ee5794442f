package ai.aimix.model.onnx;

import static ai.aimix.model.MixNetArchitecture.INPUT_GROUP;
import static ai.aimix.model.MixNetArchitecture.INPUT_MEL;
import static ai.aimix.model.MixNetArchitecture.INPUT_ROLE;
import static ai.aimix.model.MixNetArchitecture.MEL_BANDS;
import static ai.aimix.model.MixNetArchitecture.OUTPUTS;
import static ai.aimix.model.MixNetArchitecture.OUTPUT_PARAMS;
import static ai.aimix.model.MixNetArchitecture.ROLES;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.format.ModelFormat;
import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a mixnet (see {@link MixNetArchitecture}) as an ONNX model (IR 8, opset 17, weights as little-endian
 * raw_data initializers) and reads the weights back out of one.
 */
public final class MixNetOnnx {
    public static final int IR_VERSION = 8;
    public static final int OPSET = 17;
    public static final String META_ARCHITECTURE = "aimix.architecture";
    public static final String META_VERSION = "aimix.version";
    /** The model format (see {@link ModelFormat}). */
    public static final String META_FORMAT = "aimix.format";
    /** FP32, FP16 or INT8; absent means FP32. */
    public static final String META_PRECISION = "aimix.precision";

    private MixNetOnnx() {}

    /** Serialized ONNX model bytes (format 2, mixnet-1's newest) for these weights; {@code version} is recorded in the metadata. */
    public static byte[] build(MixNetWeights weights, String version) {
        return build(weights, version, ModelFormat.V2);
    }

    /**
     * The model in a given format: an older format's output layer keeps only the parameters that format has (the
     * first rows of {@code fc2}), as models of that format were written.
     */
    public static byte[] build(MixNetWeights weights, String version, ModelFormat format) {
        int outputs = format.outputs();
        GraphProto.Builder g = GraphProto.newBuilder().setName("mixnet");
        g.addInput(tensorInput(INPUT_MEL, "batch", 1, MEL_BANDS, "frames"));
        g.addInput(tensorInput(INPUT_ROLE, "batch", ROLES));
        g.addInput(tensorInput(INPUT_GROUP, "batch", "batch"));
        g.addOutput(tensorInput(OUTPUT_PARAMS, "batch", outputs));

        for (String name : MixNetWeights.NAMES) {
            long[] shape = MixNetWeights.shape(name);
            float[] values = weights.get(name);
            if (name.startsWith("fc2.") && outputs < OUTPUTS) {
                shape = shape.clone();
                shape[0] = outputs;
                values = Arrays.copyOf(values, values.length / OUTPUTS * outputs);
            }
            g.addInitializer(floatTensor(name, shape, values));
        }
        g.addInitializer(floatTensor("mel_offset", new long[0], new float[] {MixNetArchitecture.MEL_DB_OFFSET}));
        g.addInitializer(floatTensor("mel_scale", new long[0], new float[] {MixNetArchitecture.MEL_DB_SCALE}));

        g.addNode(node("Sub", List.of(INPUT_MEL, "mel_offset"), "x0"));
        g.addNode(node("Div", List.of("x0", "mel_scale"), "x1"));
        g.addNode(conv("x1", "conv1", 2, "c1"));
        g.addNode(node("Relu", List.of("c1"), "r1"));
        g.addNode(maxPool("r1", "p1"));
        g.addNode(conv("p1", "conv2", 1, "c2"));
        g.addNode(node("Relu", List.of("c2"), "r2"));
        g.addNode(maxPool("r2", "p2"));
        g.addNode(conv("p2", "conv3", 1, "c3"));
        g.addNode(node("Relu", List.of("c3"), "r3"));
        g.addNode(node("GlobalAveragePool", List.of("r3"), "gap"));
        g.addNode(node("Flatten", List.of("gap"), "embedding").toBuilder()
                .addAttribute(intAttr("axis", 1))
                .build());
        g.addNode(node("MatMul", List.of(INPUT_GROUP, "embedding"), "context"));
        g.addNode(node("Concat", List.of("embedding", "context", INPUT_ROLE), "h0").toBuilder()
                .addAttribute(intAttr("axis", 1))
                .build());
        g.addNode(gemm("h0", "fc1", "h1"));
        g.addNode(node("Relu", List.of("h1"), "h1r"));
        g.addNode(gemm("h1r", "fc2", "raw"));
        addOutputStage(g, format.parameters(), "raw", OUTPUT_PARAMS);

        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("aimix")
                .setProducerVersion(MixNetArchitecture.NAME)
                .setModelVersion(1)
                .setDocString("AI Mixer mixing model: per-stem mix parameters from log-mel spectrograms")
                .addMetadataProps(StringStringEntryProto.newBuilder()
                        .setKey(META_ARCHITECTURE)
                        .setValue(MixNetArchitecture.NAME))
                .addMetadataProps(
                        StringStringEntryProto.newBuilder().setKey(META_VERSION).setValue(version))
                .addMetadataProps(StringStringEntryProto.newBuilder()
                        .setKey(META_FORMAT)
                        .setValue(Integer.toString(format.number())))
                .setGraph(g)
                .build();
        return model.toByteArray();
    }

    /**
     * The weights stored in an fp32 ONNX mixnet. An older format's smaller output layer is extended with zero rows:
     * the parameters it did not predict stay neutral.
     */
    public static MixNetWeights readWeights(byte[] onnx) {
        ModelProto model = parse(onnx);
        Map<String, float[]> tensors = new HashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            tensors.put(t.getName(), toFloats(t));
        }
        for (String name : new String[] {"fc2.weight", "fc2.bias"}) {
            float[] t = tensors.get(name);
            int full = MixNetWeights.size(name);
            if (t != null && t.length < full) {
                tensors.put(name, Arrays.copyOf(t, full));
            }
        }
        return MixNetWeights.of(tensors);
    }

    /** Parses an ONNX file (for inspection and rewriting). */
    /**
     * The model with these tensors (intermediate ones too) as float graph outputs: how the Java API reads values
     * inside the graph. {@code replace}: they become the only outputs.
     */
    public static byte[] withOutputs(byte[] onnx, List<String> tensors, boolean replace) {
        ModelProto.Builder m = parse(onnx).toBuilder();
        if (replace) {
            m.getGraphBuilder().clearOutput();
        }
        for (String t : tensors) {
            m.getGraphBuilder()
                    .addOutput(OnnxMl.ValueInfoProto.newBuilder()
                            .setName(t)
                            .setType(OnnxMl.TypeProto.newBuilder()
                                    .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                            .setElemType(TensorProto.DataType.FLOAT.getNumber()))));
        }
        return m.build().toByteArray();
    }

    public static ModelProto parse(byte[] onnx) {
        try {
            return ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    /** A metadata property of the model, or null. */
    public static String metadata(byte[] onnx, String key) {
        for (StringStringEntryProto p : parse(onnx).getMetadataPropsList()) {
            if (p.getKey().equals(key)) {
                return p.getValue();
            }
        }
        return null;
    }

    static float[] toFloats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException(t.getName() + " is not a float tensor");
        }
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

    static TensorProto floatTensor(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    static ValueInfoProto tensorInput(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
            }
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }

    /**
     * The parameters from the last layer's raw output: {@code clamp(neutral + step * raw, lo, hi)} per column, the
     * constants of {@code parameters} (in column order) as initializers.
     */
    static void addOutputStage(GraphProto.Builder g, List<ModelOutput> parameters, String raw, String output) {
        int n = parameters.size();
        float[] neutral = new float[n];
        float[] step = new float[n];
        float[] lo = new float[n];
        float[] hi = new float[n];
        for (int i = 0; i < n; i++) {
            ModelOutput o = parameters.get(i);
            neutral[i] = o.neutral();
            step[i] = o.step();
            lo[i] = o.min();
            hi[i] = o.max();
        }
        g.addInitializer(floatTensor("out_neutral", new long[] {n}, neutral));
        g.addInitializer(floatTensor("out_step", new long[] {n}, step));
        g.addInitializer(floatTensor("out_lo", new long[] {n}, lo));
        g.addInitializer(floatTensor("out_hi", new long[] {n}, hi));
        g.addNode(node("Mul", List.of(raw, "out_step"), "scaled"));
        g.addNode(node("Add", List.of("scaled", "out_neutral"), "shifted"));
        g.addNode(node("Max", List.of("shifted", "out_lo"), "above"));
        g.addNode(node("Min", List.of("above", "out_hi"), output));
    }

    static NodeProto node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(output + "_" + op)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    static NodeProto conv(String input, String layer, int stride, String output) {
        return node("Conv", List.of(input, layer + ".weight", layer + ".bias"), output).toBuilder()
                .addAttribute(intsAttr("kernel_shape", 3, 3))
                .addAttribute(intsAttr("strides", stride, stride))
                .addAttribute(intsAttr("pads", 1, 1, 1, 1))
                .build();
    }

    private static NodeProto maxPool(String input, String output) {
        return node("MaxPool", List.of(input), output).toBuilder()
                .addAttribute(intsAttr("kernel_shape", 2, 2))
                .addAttribute(intsAttr("strides", 2, 2))
                .build();
    }

    static NodeProto gemm(String input, String layer, String output) {
        return node("Gemm", List.of(input, layer + ".weight", layer + ".bias"), output).toBuilder()
                .addAttribute(intAttr("transB", 1))
                .build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
