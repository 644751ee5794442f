package ai.aimix.model.runtime;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetReference;
import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX Runtime session of one mixnet model version. Thread-safe for {@link #predict} (ORT sessions are). Models
 * of an older format (see {@link ModelFormat}) are adapted: their outputs come back in the current parameter set.
 */
public final class MixNetSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MixNetSession.class);

    private final String version;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final InferenceDevice provider;
    private final ModelFormat format;

    private MixNetSession(
            String version, OrtEnvironment env, OrtSession session, InferenceDevice provider, ModelFormat format) {
        this.version = version;
        this.env = env;
        this.session = session;
        this.provider = provider;
        this.format = format;
    }

    /**
     * Creates a session. When CUDA is asked for but cannot be loaded, logs one line and uses the CPU.
     *
     * @throws OrtException when the model itself cannot be loaded
     * @throws UnsupportedModelFormatException when the model's format or its inputs and outputs are not servable
     */
    public static MixNetSession open(String version, byte[] onnx, SessionSettings settings)
            throws OrtException, UnsupportedModelFormatException {
        ModelFormat format;
        try {
            format = OnnxModelInfo.of(onnx).check();
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelFormatException("model " + version + ": " + e.getMessage());
        } catch (UnsupportedModelFormatException e) {
            throw new UnsupportedModelFormatException("model " + version + ": " + e.getMessage());
        }
        if (format.descriptors() && !settings.descriptors()) {
            throw new UnsupportedModelFormatException("model " + version + " is format " + format.number()
                    + ": it takes the stems' measured descriptors, which this caller does not compute");
        }
        return onNativeThread(() -> openHere(version, onnx, settings, format));
    }

    private static MixNetSession openHere(String version, byte[] onnx, SessionSettings settings, ModelFormat format)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        if (settings.device() == InferenceDevice.CUDA) {
            try (OrtSession.SessionOptions options = baseOptions(settings)) {
                options.addCUDA(settings.cudaDeviceId());
                return new MixNetSession(version, env, env.createSession(onnx, options), InferenceDevice.CUDA, format);
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                LOG.warn(
                        "CUDA execution provider unavailable for model {} ({}); running on CPU", version, firstLine(e));
            }
        }
        try (OrtSession.SessionOptions options = baseOptions(settings)) {
            return new MixNetSession(version, env, env.createSession(onnx, options), InferenceDevice.CPU, format);
        }
    }

    private static OrtSession.SessionOptions baseOptions(SessionSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setCPUArenaAllocator(false);
        if (settings.intraOpThreads() > 0) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
        }
        options.setInterOpNumThreads(1);
        return options;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    public String version() {
        return version;
    }

    /** The model's format (its outputs are adapted to the current one). */
    public ModelFormat format() {
        return format;
    }

    /** The execution provider actually in use. */
    public InferenceDevice provider() {
        return provider;
    }

    /** Runs the batch; returns rows x OUTPUTS parameters (the current parameter set), row-major. */
    public float[] predict(MixNetBatch batch) throws OrtException {
        return onNativeThread(() -> predictHere(batch));
    }

    private float[] predictHere(MixNetBatch batch) throws OrtException {
        int rows = batch.rows();
        if (rows == 0) {
            return new float[0];
        }
        if (format.descriptors() && !batch.hasDescriptors()) {
            throw new IllegalArgumentException("model " + version + " takes the stems' descriptors; "
                    + (batch.rows() - batch.describedRows()) + " of the batch's " + batch.rows() + " rows have none");
        }
        Map<String, OnnxTensor> in = inputs(env, batch, format.descriptors());
        try (OrtSession.Result result = session.run(in)) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            float[] params = new float[fb.remaining()];
            fb.get(params);
            return format.toCurrent(params, rows);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The mixnet's three input tensors for a batch (mel, one-hot role, group-averaging matrix); the caller closes
     * them. Call on a native-call thread.
     */
    static Map<String, OnnxTensor> inputs(OrtEnvironment env, MixNetBatch batch) throws OrtException {
        return inputs(env, batch, false);
    }

    /** The input tensors, with the descriptors ([batch, 16]) when the model takes them. */
    static Map<String, OnnxTensor> inputs(OrtEnvironment env, MixNetBatch batch, boolean descriptors)
            throws OrtException {
        int rows = batch.rows();
        FloatBuffer role = direct(rows * MixNetArchitecture.ROLES);
        for (int r = 0; r < rows; r++) {
            role.put(r * MixNetArchitecture.ROLES + MixNetReference.clampRole(batch.role(r)), 1f);
        }
        FloatBuffer group = direct(rows * rows);
        for (int i = 0; i < rows; i++) {
            int members = 0;
            for (int j = 0; j < rows; j++) {
                if (batch.group(j) == batch.group(i)) {
                    members++;
                }
            }
            float inv = 1f / members;
            for (int j = 0; j < rows; j++) {
                if (batch.group(j) == batch.group(i)) {
                    group.put(i * rows + j, inv);
                }
            }
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put(MixNetArchitecture.INPUT_MEL, OnnxTensor.createTensor(env, batch.melBuffer(), new long[] {
            rows, 1, MixNetArchitecture.MEL_BANDS, batch.frames()
        }));
        in.put(
                MixNetArchitecture.INPUT_ROLE,
                OnnxTensor.createTensor(env, role, new long[] {rows, MixNetArchitecture.ROLES}));
        in.put(MixNetArchitecture.INPUT_GROUP, OnnxTensor.createTensor(env, group, new long[] {rows, rows}));
        if (descriptors) {
            in.put(MixNet2Shape.INPUT_DESCRIPTORS, OnnxTensor.createTensor(env, batch.descriptorBuffer(), new long[] {
                rows, MixNet2Shape.DESCRIPTORS
            }));
        }
        return in;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Override
    public void close() throws OrtException {
        onNativeThread(() -> {
            session.close();
            return null;
        });
    }

    /** ONNX Runtime calls run on a large-stack thread (see {@link NativeCalls}). */
    private static <T> T onNativeThread(Callable<T> call) throws OrtException {
        try {
            return NativeCalls.run(call);
        } catch (OrtException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
