package ai.ominix.engine;

/** The request was cancelled (client disconnect, shutdown) before it finished. */
public class CancelledException extends RuntimeException {
    public CancelledException(String message) {
        super(message);
    }
}
