package ai.aimix.model.store;

import java.io.IOException;

/** No model of that id. */
public final class UnknownModelVersionException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnknownModelVersionException(String id) {
        super("no model '" + id + "'");
    }
}
