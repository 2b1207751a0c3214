package ai.ominix.kernel;

import java.util.Arrays;

/**
 * An n-dimensional array owned by one {@link Backend}. Row-major logical layout; a backend may
 * keep views or lazy graph nodes behind it.
 *
 * <p>Ownership: a tensor returned by an op is registered in the innermost open {@link Scope} of
 * the calling thread and released when that scope closes, unless it is {@link Scope#keep kept}
 * or {@link Scope#detach detached}. With no scope open, the caller owns it and must
 * {@link #close()} it. Weights belong to their {@link Weights} and are released with it.
 */
public interface Tensor extends AutoCloseable {

    DType dtype();

    /** A copy of the shape. */
    int[] shape();

    int rank();

    /** Size of one axis; negative axes count from the end. */
    default int dim(int axis) {
        int[] s = shape();
        return s[axis < 0 ? s.length + axis : axis];
    }

    default long size() {
        long n = 1;
        for (int d : shape()) n *= d;
        return n;
    }

    Backend backend();

    /** Releases the memory now. Idempotent; using the tensor afterwards is an error. */
    @Override
    void close();

    boolean isClosed();

    static String describe(Tensor t) {
        return t.dtype() + Arrays.toString(t.shape());
    }
}
