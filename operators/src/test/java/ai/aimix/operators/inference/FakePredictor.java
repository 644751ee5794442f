package ai.aimix.operators.inference;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.schema.ModelDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A predictor without ONNX: version "m1" is neutral, any other version turns every stem down by as many dB as the
 * version's number (so "m2" gives -2 dB), "nan" predicts a NaN pan for every stem, and "broken" throws. Records every call for the test to inspect; tests
 * decide which models count as loaded ({@link #NOT_READY}) and which failed to load ({@link #LOAD_FAILURES}).
 */
public final class FakePredictor implements ParameterPredictor {
    /** version and rows of every call, across instances (operators are created by factories). */
    public static final List<String> CALLS = new CopyOnWriteArrayList<>();
    /** Models asked to load in the background. */
    public static final List<String> PREPARED = new CopyOnWriteArrayList<>();
    /** Models still loading: not ready. */
    public static final Set<String> NOT_READY = ConcurrentHashMap.newKeySet();
    /** Models whose background load failed, with why. */
    public static final Map<String, String> LOAD_FAILURES = new ConcurrentHashMap<>();

    public static void reset() {
        CALLS.clear();
        PREPARED.clear();
        NOT_READY.clear();
        LOAD_FAILURES.clear();
    }

    @Override
    public float[] predict(ModelDescriptor model, MixNetBatch batch) {
        String version = model.getModelId();
        if (version.equals("broken")) {
            throw new IllegalStateException("model file is corrupt");
        }
        CALLS.add(version + ":" + batch.rows() + "x" + batch.frames());
        float[] out = new float[batch.rows() * ModelOutput.COUNT];
        float[] neutral = ModelOutput.neutralVector();
        float gain = version.equals("m1") || version.equals("nan")
                ? 0f
                : -Float.parseFloat("0" + version.replaceAll("[^0-9.]", ""));
        for (int r = 0; r < batch.rows(); r++) {
            System.arraycopy(neutral, 0, out, r * ModelOutput.COUNT, ModelOutput.COUNT);
            out[r * ModelOutput.COUNT + ModelOutput.GAIN_DB.ordinal()] = gain;
            if (version.equals("nan")) {
                out[r * ModelOutput.COUNT + ModelOutput.PAN.ordinal()] = Float.NaN;
            }
        }
        return out;
    }

    @Override
    public void prepare(ModelDescriptor model) {
        PREPARED.add(model.getModelId());
    }

    @Override
    public boolean isReady(ModelDescriptor model) {
        return !NOT_READY.contains(model.getModelId()) && !LOAD_FAILURES.containsKey(model.getModelId());
    }

    @Override
    public String loadFailure(ModelDescriptor model) {
        return LOAD_FAILURES.get(model.getModelId());
    }

    @Override
    public void close() {}

    public static PredictorFactory factory() {
        return FakePredictor::new;
    }
}
