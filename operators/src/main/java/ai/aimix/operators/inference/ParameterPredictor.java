package ai.aimix.operators.inference;

import ai.aimix.model.runtime.MixNetBatch;

/** Runs a model version over a batch of stems: rows x ModelOutput.COUNT parameters, row-major. */
public interface ParameterPredictor extends AutoCloseable {
    float[] predict(String version, MixNetBatch batch) throws Exception;

    /** The execution provider in use for a version, for logs and results (e.g. "CPU", "CUDA"). */
    default String provider(String version) {
        return "CPU";
    }

    @Override
    void close();
}
