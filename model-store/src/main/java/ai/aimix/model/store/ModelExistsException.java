package ai.aimix.model.store;

import java.io.IOException;

/** A model id is already taken: versions are written once and never changed. */
public final class ModelExistsException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelExistsException(String id) {
        super("model '" + id + "' already exists; model versions are immutable, choose a new id");
    }
}
