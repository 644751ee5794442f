package ai.aimix.model.store;

import java.io.IOException;

/** The store holds no model of that version. */
public final class UnknownModelVersionException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnknownModelVersionException(String version) {
        super("no model version '" + version + "' in the model store");
    }
}
