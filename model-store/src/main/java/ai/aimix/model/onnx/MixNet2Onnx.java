package ai.aimix.model.onnx;

import static ai.aimix.model.mixnet2.MixNet2Shape.DESCRIPTORS;
import static ai.aimix.model.mixnet2.MixNet2Shape.INPUT_DESCRIPTORS;
import static ai.aimix.model.mixnet2.MixNet2Shape.INPUT_GROUP;
import static ai.aimix.model.mixnet2.MixNet2Shape.INPUT_MEL;
import static ai.aimix.model.mixnet2.MixNet2Shape.INPUT_ROLE;
import static ai.aimix.model.mixnet2.MixNet2Shape.MEL_BANDS;
import static ai.aimix.model.mixnet2.MixNet2Shape.OUTPUTS;
import static ai.aimix.model.mixnet2.MixNet2Shape.OUTPUT_PARAMS;
import static ai.aimix.model.mixnet2.MixNet2Shape.ROLES;
import static ai.aimix.model.onnx.MixNetOnnx.conv;
import static ai.aimix.model.onnx.MixNetOnnx.floatTensor;
import static ai.aimix.model.onnx.MixNetOnnx.gemm;
import static ai.aimix.model.onnx.MixNetOnnx.intAttr;
import static ai.aimix.model.onnx.MixNetOnnx.intsAttr;
import static ai.aimix.model.onnx.MixNetOnnx.node;
import static ai.aimix.model.onnx.MixNetOnnx.tensorInput;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a mixnet-2 ({@link MixNet2Shape}) as an ONNX model (IR 8, opset 17, weights as little-endian raw_data
 * initializers), and reads its weights and shape back. The file declares architecture {@value MixNet2Shape#NAME}
 * and model format {@value #FORMAT}: its inputs include the stems' descriptors.
 */
public final class MixNet2Onnx {
    /** The model format of a mixnet-2 file: format 2's outputs, with a descriptors input. */
    public static final int FORMAT = ModelFormat.V3.number();

    private MixNet2Onnx() {}

    public static byte[] build(MixNet2Weights weights, String version) {
        MixNet2Shape shape = weights.shape();
        GraphProto.Builder g = GraphProto.newBuilder().setName("mixnet2");
        g.addInput(tensorInput(INPUT_MEL, "batch", 1, MEL_BANDS, "frames"));
        g.addInput(tensorInput(INPUT_DESCRIPTORS, "batch", DESCRIPTORS));
        g.addInput(tensorInput(INPUT_ROLE, "batch", ROLES));
        g.addInput(tensorInput(INPUT_GROUP, "batch", "batch"));
        g.addOutput(tensorInput(OUTPUT_PARAMS, "batch", OUTPUTS));
        for (String name : MixNet2Shape.NAMES) {
            g.addInitializer(floatTensor(name, shape.shape(name), weights.get(name)));
        }
        g.addInitializer(floatTensor("mel_offset", new long[0], new float[] {MixNet2Shape.MEL_DB_OFFSET}));
        g.addInitializer(floatTensor("mel_scale", new long[0], new float[] {MixNet2Shape.MEL_DB_SCALE}));

        g.addNode(node("Sub", List.of(INPUT_MEL, "mel_offset"), "x0"));
        g.addNode(node("Div", List.of("x0", "mel_scale"), "x1"));
        g.addNode(conv("x1", "conv1", 2, "c1"));
        g.addNode(node("Relu", List.of("c1"), "r1"));
        g.addNode(conv("r1", "conv2", 2, "c2"));
        g.addNode(node("Relu", List.of("c2"), "r2"));
        g.addNode(node("ReduceMean", List.of("r2"), "balance").toBuilder()
                .addAttribute(intsAttr("axes", 3))
                .addAttribute(intAttr("keepdims", 0))
                .build());
        g.addNode(node("Flatten", List.of("balance"), "flat").toBuilder()
                .addAttribute(intAttr("axis", 1))
                .build());
        g.addNode(node("Sub", List.of(INPUT_DESCRIPTORS, "desc.mean"), "d0"));
        g.addNode(node("Div", List.of("d0", "desc.scale"), "d1"));
        g.addNode(node("Concat", List.of("flat", "d1"), "features").toBuilder()
                .addAttribute(intAttr("axis", 1))
                .build());
        g.addNode(gemm("features", "enc", "e0"));
        g.addNode(node("Relu", List.of("e0"), "embedding"));
        g.addNode(node("MatMul", List.of(INPUT_GROUP, "embedding"), "context"));
        g.addNode(node("Concat", List.of("embedding", "context", INPUT_ROLE), "h0").toBuilder()
                .addAttribute(intAttr("axis", 1))
                .build());
        g.addNode(gemm("h0", "fc1", "h1"));
        g.addNode(node("Relu", List.of("h1"), "h1r"));
        g.addNode(gemm("h1r", "fc2", "raw"));
        MixNetOnnx.addOutputStage(g, List.of(ModelOutput.values()), "raw", OUTPUT_PARAMS);

        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(MixNetOnnx.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(MixNetOnnx.OPSET))
                .setProducerName("aimix")
                .setProducerVersion(MixNet2Shape.NAME)
                .setModelVersion(1)
                .setDocString("AI Mixer mixing model: per-stem mix parameters from log-mel spectrograms and the stems' "
                        + "measured loudness and spectral balance")
                .addMetadataProps(meta(MixNetOnnx.META_ARCHITECTURE, MixNet2Shape.NAME))
                .addMetadataProps(meta(MixNetOnnx.META_VERSION, version))
                .addMetadataProps(meta(MixNetOnnx.META_FORMAT, Integer.toString(FORMAT)))
                .setGraph(g)
                .build();
        return model.toByteArray();
    }

    /** Whether the file is a mixnet-2 (by its declared architecture). */
    public static boolean isMixNet2(byte[] onnx) {
        return MixNet2Shape.NAME.equals(MixNetOnnx.metadata(onnx, MixNetOnnx.META_ARCHITECTURE));
    }

    /** The weights of an fp32 mixnet-2 file, its shape read from the tensors' dimensions. */
    public static MixNet2Weights readWeights(byte[] onnx) {
        ModelProto model = MixNetOnnx.parse(onnx);
        Map<String, float[]> tensors = new HashMap<>();
        Map<String, List<Long>> dims = new HashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            tensors.put(t.getName(), MixNetOnnx.toFloats(t));
            dims.put(t.getName(), t.getDimsList());
        }
        for (String name : new String[] {"conv1.weight", "conv2.weight", "enc.weight", "fc1.weight"}) {
            if (!dims.containsKey(name)) {
                throw new IllegalArgumentException("not a mixnet-2 model: no tensor " + name);
            }
        }
        MixNet2Shape shape = new MixNet2Shape(
                dims.get("conv1.weight").get(0).intValue(),
                dims.get("conv2.weight").get(0).intValue(),
                dims.get("enc.weight").get(0).intValue(),
                dims.get("fc1.weight").get(0).intValue());
        return MixNet2Weights.of(shape, tensors);
    }

    private static StringStringEntryProto meta(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
