package ai.ominix.kernel.cpu;

import ai.ominix.kernel.KernelException;
import java.util.Arrays;

/** Shape and stride arithmetic shared by the ops. */
final class Shapes {

    private Shapes() {}

    static long product(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    static long product(int[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return n;
    }

    static long[] contiguousStrides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Row-major contiguous, ignoring strides of size-1 dimensions. */
    static boolean isContiguous(int[] shape, long[] strides) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new KernelException("axis " + axis + " out of range for rank " + rank);
        return a;
    }

    static void checkShape(int[] shape) {
        for (int d : shape) {
            if (d < 0) throw new KernelException("negative dimension in shape " + Arrays.toString(shape));
        }
    }

    /** NumPy broadcasting of two shapes. */
    static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new KernelException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides of {@code t} viewed with shape {@code out} (rank ≥ t's), 0 along broadcast dimensions. */
    static long[] broadcastStrides(int[] shape, long[] strides, int[] out) {
        long[] s = new long[out.length];
        int shift = out.length - shape.length;
        if (shift < 0) throw new KernelException("cannot broadcast " + Arrays.toString(shape) + " to " + Arrays.toString(out));
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == out[i + shift]) {
                s[i + shift] = shape[i] == 1 ? 0 : strides[i];
            } else if (shape[i] == 1) {
                s[i + shift] = 0;
            } else {
                throw new KernelException("cannot broadcast " + Arrays.toString(shape) + " to " + Arrays.toString(out));
            }
        }
        return s;
    }

    /** Resolves one -1 and checks the element count. */
    static int[] reshape(int[] from, int[] to) {
        int[] out = to.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) throw new KernelException("reshape " + Arrays.toString(to) + ": more than one -1");
                infer = i;
            } else if (out[i] < 0) {
                throw new KernelException("reshape: negative dimension in " + Arrays.toString(to));
            } else {
                known *= out[i];
            }
        }
        long total = product(from);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new KernelException("cannot reshape " + Arrays.toString(from) + " to " + Arrays.toString(to));
            }
            out[infer] = (int) (total / known);
        }
        if (product(out) != total) {
            throw new KernelException("cannot reshape " + Arrays.toString(from) + " to " + Arrays.toString(to));
        }
        return out;
    }

    /**
     * Strides for viewing a (possibly strided) tensor in a new shape without copying, or null when
     * a copy is needed (NumPy's attempt_nocopy_reshape).
     */
    static long[] viewStrides(int[] shape, long[] strides, int[] newShape) {
        if (product(shape) == 0) return contiguousStrides(newShape);
        // drop size-1 dims of the source
        int n = 0;
        int[] os = new int[shape.length];
        long[] ost = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                os[n] = shape[i];
                ost[n] = strides[i];
                n++;
            }
        }
        long[] ns = new long[newShape.length];
        int oi = 0, oj = 1, ni = 0, nj = 1;
        int nn = newShape.length;
        while (ni < nn && oi < n) {
            long np = newShape[ni], op = os[oi];
            while (np != op) {
                if (np < op) {
                    np *= newShape[nj++];
                } else {
                    op *= os[oj++];
                }
            }
            for (int k = oi; k < oj - 1; k++) {
                if (ost[k] != (long) os[k + 1] * ost[k + 1]) return null;
            }
            ns[nj - 1] = ost[oj - 1];
            for (int k = nj - 1; k > ni; k--) ns[k - 1] = ns[k] * newShape[k];
            ni = nj++;
            oi = oj++;
        }
        long last = ni > 0 ? ns[ni - 1] : 1;
        for (int k = ni; k < nn; k++) ns[k] = last; // trailing size-1 dims
        return ns;
    }
}
