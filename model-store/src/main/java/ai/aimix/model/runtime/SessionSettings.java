package ai.aimix.model.runtime;

import java.util.Objects;

/** How ONNX Runtime sessions are created: device, CUDA device id and CPU intra-op threads (0 = ORT's default). */
public final class SessionSettings {
    private final InferenceDevice device;
    private final int cudaDeviceId;
    private final int intraOpThreads;

    public SessionSettings(InferenceDevice device, int cudaDeviceId, int intraOpThreads) {
        this.device = Objects.requireNonNull(device);
        this.cudaDeviceId = cudaDeviceId;
        this.intraOpThreads = intraOpThreads;
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
        return device == s.device && cudaDeviceId == s.cudaDeviceId && intraOpThreads == s.intraOpThreads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, cudaDeviceId, intraOpThreads);
    }

    @Override
    public String toString() {
        return device + (device == InferenceDevice.CUDA ? ":" + cudaDeviceId : "") + "/threads=" + intraOpThreads;
    }
}
