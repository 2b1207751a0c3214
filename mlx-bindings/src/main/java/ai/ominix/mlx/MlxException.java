package ai.ominix.mlx;

/** A failed mlx-c call, carrying the message MLX reported through the error handler. */
public class MlxException extends RuntimeException {
    public MlxException(String message) {
        super(message);
    }

    public MlxException(String message, Throwable cause) {
        super(message, cause);
    }
}
