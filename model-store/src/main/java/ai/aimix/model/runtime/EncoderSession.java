package ai.aimix.model.runtime;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mixnet's convolutional encoder run by ONNX Runtime: the model file with its per-stem {@code embedding} tensor
 * exposed as a graph output, so training can compute embeddings at ORT speed and fit the dense head on them.
 */
public final class EncoderSession implements AutoCloseable {
    public static final String EMBEDDING = "embedding";

    private final OrtSession session;

    private EncoderSession(OrtSession session) {
        this.session = session;
    }

    public static EncoderSession open(byte[] onnx, int threads) throws Exception {
        byte[] exposed = MixNetOnnx.withOutputs(onnx, List.of(EMBEDDING), true);
        return NativeCalls.run(() -> {
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (threads > 0) {
                    o.setIntraOpNumThreads(threads);
                }
                o.setInterOpNumThreads(1);
                return new EncoderSession(OrtEnvironment.getEnvironment().createSession(exposed, o));
            }
        });
    }

    /** The embedding of every row: [rows][EMBEDDING]. */
    public float[][] embed(MixNetBatch batch) throws Exception {
        int rows = batch.rows();
        if (rows == 0) {
            return new float[0][];
        }
        return NativeCalls.run(() -> {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            Map<String, OnnxTensor> in = MixNetSession.inputs(env, batch);
            try (OrtSession.Result r = session.run(in, Set.of(EMBEDDING))) {
                FloatBuffer fb = ((OnnxTensor) r.get(EMBEDDING).orElseThrow()).getFloatBuffer();
                float[][] out = new float[rows][MixNetArchitecture.EMBEDDING];
                for (float[] row : out) {
                    fb.get(row);
                }
                return out;
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        });
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
