package ai.ominix.engine;

/** A model directory could not be loaded: missing/malformed files, unknown architecture, missing tensors. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
