package ai.aimix.operators.inference;

import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.schema.ModelDescriptor;

/**
 * Runs a model over a batch of stems: rows x ModelOutput.COUNT parameters, row-major. Models are named by their
 * registry descriptor (which says where the bytes are and what they must hash to).
 */
public interface ParameterPredictor extends AutoCloseable {
    float[] predict(ModelDescriptor model, MixNetBatch batch) throws Exception;

    /** Starts loading a model off the calling thread, so a later {@link #predict} does not wait for it. */
    default void prepare(ModelDescriptor model) {}

    /** Whether {@link #predict} can run the model without loading it first. */
    default boolean isReady(ModelDescriptor model) {
        return true;
    }

    /** Why the last background load of this model failed, or null (a model that fails to load is not switched to). */
    default String loadFailure(ModelDescriptor model) {
        return null;
    }

    /** The execution provider in use for a model, for logs and results (e.g. "CPU", "CUDA"). */
    default String provider(String modelId) {
        return "CPU";
    }

    @Override
    void close();
}
