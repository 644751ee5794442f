package ai.aimix.model.onnx;

import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.TensorSpec;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an ONNX model file says about itself: its metadata (architecture, id, format, precision) and its graph's
 * inputs and outputs. {@link #check()} tells whether this version can serve it.
 */
public final class OnnxModelInfo {
    public final String architecture;
    public final String declaredId;
    /** The declared format number ({@link ModelFormat#UNDECLARED} when absent). */
    public final int format;

    public final ModelPrecision precision;
    public final List<TensorSpec> inputs;
    public final List<TensorSpec> outputs;

    private OnnxModelInfo(
            String architecture,
            String declaredId,
            int format,
            ModelPrecision precision,
            List<TensorSpec> inputs,
            List<TensorSpec> outputs) {
        this.architecture = architecture;
        this.declaredId = declaredId;
        this.format = format;
        this.precision = precision;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** @throws IllegalArgumentException when the bytes are not an ONNX model */
    public static OnnxModelInfo of(byte[] onnx) {
        ModelProto m = MixNetOnnx.parse(onnx);
        if (!m.hasGraph()) {
            throw new IllegalArgumentException("not an ONNX model: no graph");
        }
        Map<String, String> meta = new HashMap<>();
        for (StringStringEntryProto p : m.getMetadataPropsList()) {
            meta.put(p.getKey(), p.getValue());
        }
        int format = ModelFormat.UNDECLARED.number();
        String f = meta.get(MixNetOnnx.META_FORMAT);
        if (f != null) {
            try {
                format = Integer.parseInt(f.trim());
            } catch (NumberFormatException e) {
                format = -1;
            }
        }
        ModelPrecision precision = ModelPrecision.FP32;
        String p = meta.get(MixNetOnnx.META_PRECISION);
        if (p != null) {
            try {
                precision = ModelPrecision.valueOf(p.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown precision '" + p + "' in the model's metadata");
            }
        }
        // initializers are sometimes listed as graph inputs too: only real inputs count
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            initializers.add(t.getName());
        }
        List<TensorSpec> inputs = new ArrayList<>();
        for (ValueInfoProto v : m.getGraph().getInputList()) {
            if (!initializers.contains(v.getName())) {
                inputs.add(spec(v));
            }
        }
        List<TensorSpec> outputs = new ArrayList<>();
        for (ValueInfoProto v : m.getGraph().getOutputList()) {
            outputs.add(spec(v));
        }
        return new OnnxModelInfo(
                meta.getOrDefault(MixNetOnnx.META_ARCHITECTURE, "unknown"),
                meta.get(MixNetOnnx.META_VERSION),
                format,
                precision,
                inputs,
                outputs);
    }

    private static TensorSpec spec(ValueInfoProto v) {
        List<String> dims = new ArrayList<>();
        String type = "unknown";
        if (v.getType().hasTensorType()) {
            type = elementType(v.getType().getTensorType().getElemType());
            for (TensorShapeProto.Dimension d :
                    v.getType().getTensorType().getShape().getDimList()) {
                dims.add(
                        d.hasDimValue()
                                ? Long.toString(d.getDimValue())
                                : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
            }
        }
        return new TensorSpec(v.getName(), type, dims);
    }

    private static String elementType(int t) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(t);
        return dt == null ? "type-" + t : dt.name().toLowerCase();
    }

    /**
     * The model's format, when this version can serve the model: a known format, the mixnet inputs (mel
     * [batch, 1, 128, frames], role [batch, 14], group [batch, batch], float; from format 3 also descriptors
     * [batch, 16]) and one float output with the format's number of columns.
     */
    public ModelFormat check() throws UnsupportedModelFormatException {
        ModelFormat f = ModelFormat.of(format);
        List<String> problems = new ArrayList<>();
        expect(problems, "mel", List.of("?", "1", "128", "?"));
        expect(problems, "role", List.of("?", "14"));
        expect(problems, "group", List.of("?", "?"));
        if (f.descriptors()) {
            expect(problems, "descriptors", List.of("?", Integer.toString(MixNet2Shape.DESCRIPTORS)));
        }
        if (outputs.size() != 1) {
            problems.add("expected one output, found " + outputs.size());
        } else {
            List<String> d = outputs.get(0).getDimensions();
            if (!outputs.get(0).getElementType().equals("float")
                    || d.size() != 2
                    || !d.get(1).equals(Integer.toString(f.outputs()))) {
                problems.add("output " + outputs.get(0).getName() + " is "
                        + outputs.get(0).getElementType() + " " + d + ", format " + f.number() + " has [batch, "
                        + f.outputs() + "] float");
            }
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedModelFormatException(
                    "model does not fit format " + f.number() + ": " + String.join("; ", problems));
        }
        return f;
    }

    private void expect(List<String> problems, String name, List<String> dims) {
        TensorSpec s = inputs.stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElse(null);
        if (s == null) {
            problems.add("no input '" + name + "'");
            return;
        }
        boolean ok = s.getElementType().equals("float") && s.getDimensions().size() == dims.size();
        for (int i = 0; ok && i < dims.size(); i++) {
            ok = dims.get(i).equals("?") || dims.get(i).equals(s.getDimensions().get(i));
        }
        if (!ok) {
            problems.add("input '" + name + "' is " + s.getElementType() + " " + s.getDimensions() + ", expected float "
                    + dims.toString().replace("?", "*"));
        }
    }
}
