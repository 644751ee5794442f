package ai.aimix.model.runtime;

import java.util.Objects;

/**
 * How ONNX Runtime sessions are created: device, CUDA device id and CPU intra-op threads (0 = ORT's default), and
 * whether the caller fills the stems' descriptors into its batches (models of a format that takes them are refused
 * otherwise, when they are opened).
 */
public final class SessionSettings {
    private final InferenceDevice device;
    private final int cudaDeviceId;
    private final int intraOpThreads;
    private final boolean descriptors;

    public SessionSettings(InferenceDevice device, int cudaDeviceId, int intraOpThreads) {
        this(device, cudaDeviceId, intraOpThreads, false);
    }

    private SessionSettings(InferenceDevice device, int cudaDeviceId, int intraOpThreads, boolean descriptors) {
        this.device = Objects.requireNonNull(device);
        this.cudaDeviceId = cudaDeviceId;
        this.intraOpThreads = intraOpThreads;
        this.descriptors = descriptors;
    }

    /** The same settings for a caller that fills each batch's descriptors ({@link MixNetBatch#add(float[], float[], int, int)}). */
    public SessionSettings withDescriptors() {
        return new SessionSettings(device, cudaDeviceId, intraOpThreads, true);
    }

    /** Whether the caller fills the stems' descriptors. */
    public boolean descriptors() {
        return descriptors;
    }

    public static SessionSettings cpu(int intraOpThreads) {
        return new SessionSettings(InferenceDevice.CPU, 0, intraOpThreads);
    }

    public InferenceDevice device() {
        return device;
    }

    public int cudaDeviceId() {
        return cudaDeviceId;
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SessionSettings)) {
            return false;
        }
        SessionSettings s = (SessionSettings) o;
        return device == s.device
                && cudaDeviceId == s.cudaDeviceId
                && intraOpThreads == s.intraOpThreads
                && descriptors == s.descriptors;
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, cudaDeviceId, intraOpThreads, descriptors);
    }

    @Override
    public String toString() {
        return device + (device == InferenceDevice.CUDA ? ":" + cudaDeviceId : "") + "/threads=" + intraOpThreads
                + (descriptors ? "/descriptors" : "");
    }
}
