package ai.aimix.model.runtime;

import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Observes a model's intermediate tensors on real inputs, for static quantization: the graph is re-written with the
 * named tensors as extra outputs (ONNX Runtime's Java API cannot read intermediates otherwise), run over the batches,
 * and the smallest and largest value of each tensor recorded.
 */
public final class Calibration {
    private Calibration() {}

    /** Per tensor name, {min, max} over all batches. */
    public static Map<String, float[]> ranges(byte[] onnx, List<String> tensors, List<MixNetBatch> batches)
            throws Exception {
        byte[] exposed = MixNetOnnx.withOutputs(onnx, tensors, false);
        boolean descriptors = ModelFormat.of(OnnxModelInfo.of(onnx).format).descriptors();
        return NativeCalls.run(() -> {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String t : tensors) {
                out.put(t, new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
            }
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
                try (OrtSession session = env.createSession(exposed, options)) {
                    for (MixNetBatch b : batches) {
                        Map<String, OnnxTensor> in = MixNetSession.inputs(env, b, descriptors);
                        try (OrtSession.Result r = session.run(in, new HashSet<>(tensors))) {
                            for (String t : tensors) {
                                FloatBuffer fb = ((OnnxTensor) r.get(t).orElseThrow()).getFloatBuffer();
                                float[] mm = out.get(t);
                                while (fb.hasRemaining()) {
                                    float v = fb.get();
                                    mm[0] = Math.min(mm[0], v);
                                    mm[1] = Math.max(mm[1], v);
                                }
                            }
                        } finally {
                            in.values().forEach(OnnxTensor::close);
                        }
                    }
                }
            }
            return out;
        });
    }
}
