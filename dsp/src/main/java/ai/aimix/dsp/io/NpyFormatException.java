package ai.aimix.dsp.io;

import java.io.IOException;

/** A file that is not a readable NumPy {@code .npy} array; the message is one line naming the file and the reason. */
public final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
        super(message);
    }
}
