package ai.ominix.kernel;

/** A failed op: bad shapes or dtypes, or a native (MLX) error with its message. */
public class KernelException extends RuntimeException {
    public KernelException(String message) {
        super(message);
    }

    public KernelException(String message, Throwable cause) {
        super(message, cause);
    }
}
