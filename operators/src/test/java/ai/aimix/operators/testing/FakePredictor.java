package ai.aimix.operators.testing;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.operators.inference.ParameterPredictor;
import ai.aimix.operators.inference.PredictorFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A predictor without ONNX: version "m1" is neutral, any other version turns every stem down by as many dB as the
 * version's number (so "m2" gives -2 dB), and "broken" throws. Records every call for the test to inspect.
 */
public final class FakePredictor implements ParameterPredictor {
    /** version and rows of every call, across instances (operators are created by factories). */
    public static final List<String> CALLS = new CopyOnWriteArrayList<>();

    @Override
    public float[] predict(String version, MixNetBatch batch) {
        if (version.equals("broken")) {
            throw new IllegalStateException("model file is corrupt");
        }
        CALLS.add(version + ":" + batch.rows() + "x" + batch.frames());
        float[] out = new float[batch.rows() * ModelOutput.COUNT];
        float[] neutral = ModelOutput.neutralVector();
        float gain = version.equals("m1") ? 0f : -Float.parseFloat(version.replaceAll("[^0-9.]", ""));
        for (int r = 0; r < batch.rows(); r++) {
            System.arraycopy(neutral, 0, out, r * ModelOutput.COUNT, ModelOutput.COUNT);
            out[r * ModelOutput.COUNT + ModelOutput.GAIN_DB.ordinal()] = gain;
        }
        return out;
    }

    @Override
    public void close() {
    }

    public static PredictorFactory factory() {
        return FakePredictor::new;
    }
}
