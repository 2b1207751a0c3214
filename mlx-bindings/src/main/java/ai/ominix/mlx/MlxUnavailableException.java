package ai.ominix.mlx;

/** mlx-c could not be found or loaded; the message says where we looked and how to build it. */
public final class MlxUnavailableException extends MlxException {
    public MlxUnavailableException(String message) {
        super(message);
    }

    public MlxUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
