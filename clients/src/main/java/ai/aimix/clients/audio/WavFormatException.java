package ai.aimix.clients.audio;

import java.io.IOException;

/** A file is not a WAV this tool can read; the message says why in one line. */
public final class WavFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public WavFormatException(String message) {
        super(message);
    }
}
