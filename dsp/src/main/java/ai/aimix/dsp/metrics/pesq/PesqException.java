package ai.aimix.dsp.metrics.pesq;

/** Input that PESQ cannot measure, with a stable reason. */
public final class PesqException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Why a pair of signals was refused. */
    public enum Reason {
        /** Not 8000 or 16000 Hz, or wideband asked at 8000 Hz. */
        SAMPLE_RATE,
        /** Either signal holds less than a quarter of a second. */
        TOO_SHORT,
        /** The reference holds no speech the voice activity detector finds (at least 200 ms of it). */
        NO_UTTERANCES,
        /** The degraded signal is digital silence: P.862's level alignment divides by its power. */
        SILENT_DEGRADED,
        /** NaN or infinite samples. */
        NOT_FINITE
    }

    private final Reason reason;

    PesqException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
