package ai.aimix.model.store;

import java.io.IOException;

/** A model file whose bytes do not match its descriptor (size or SHA-256): it is never served. */
public final class CorruptModelException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptModelException(String message) {
        super(message);
    }
}
