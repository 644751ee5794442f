package ai.aimix.model.runtime;

/** Where ONNX Runtime runs a model. */
public enum InferenceDevice {
    /** The default CPU execution provider. */
    CPU,
    /** NVIDIA CUDA (needs the onnxruntime_gpu artifact and CUDA 12); falls back to CPU when it cannot load. */
    CUDA
}
