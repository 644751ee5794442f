package ai.aimix.model.registry;

/** A registry operation that cannot be done (unknown model, nothing to roll back to, a failed gate...). */
public final class RegistryException extends Exception {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }
}
