package ai.aimix.model.format;

/** A model file this version cannot serve: an unknown format, or inputs and outputs that do not fit it. */
public final class UnsupportedModelFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelFormatException(String message) {
        super(message);
    }
}
