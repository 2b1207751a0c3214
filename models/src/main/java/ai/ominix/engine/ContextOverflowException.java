package ai.ominix.engine;

/** The prompt does not fit the model's context (HTTP 400). */
public class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(String message) {
        super(message);
    }
}
