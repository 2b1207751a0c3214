package ai.ominix.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.ominix.weights.HalfFloat;
import java.util.Random;

/**
 * What every kernel contract test has: the backend under test and helpers to make inputs and
 * compare against {@link RefOps}. The contract tests are interfaces with default test methods, all
 * combined by {@link BackendContractTest}, which a backend's test class extends.
 */
public interface KernelContract {

    /** The backend under test (fresh per test; a {@link Scope} is open around each test). */
    Backend be();

    static float[] gauss(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    static float[] uniform(Random r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextFloat();
        return v;
    }

    /** The values {@code v} takes once stored as {@code dtype}. */
    static float[] rounded(float[] v, DType dtype) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = switch (dtype) {
                case BF16 -> HalfFloat.roundToBf16(v[i]);
                case F16 -> HalfFloat.roundToF16(v[i]);
                default -> v[i];
            };
        }
        return out;
    }

    default Tensor t(float[] data, int... shape) {
        return be().fromArray(data, shape);
    }

    /** A tensor of {@code dtype} holding {@code data} rounded to it. */
    default Tensor t(DType dtype, float[] data, int... shape) {
        Tensor f = be().fromArray(data, shape);
        return dtype == DType.F32 ? f : be().astype(f, dtype);
    }

    static RefOps.Arr ref(float[] data, int... shape) {
        return RefOps.of(data, shape);
    }

    default float[] get(Tensor x) {
        return be().toFloatArray(x);
    }

    /** |got − ref| ≤ atol + rtol·|ref| elementwise, and the same shape. */
    default void assertClose(RefOps.Arr ref, Tensor got, double atol, double rtol, String what) {
        assertArrayEquals(ref.shape(), got.shape(), what + ": shape");
        assertClose(ref.data(), get(got), atol, rtol, what);
    }

    static void assertClose(double[] ref, float[] got, double atol, double rtol, String what) {
        assertEquals(ref.length, got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            double tol = atol + rtol * Math.abs(ref[i]);
            if (!(Math.abs(got[i] - ref[i]) <= tol) && !(Double.isInfinite(ref[i]) && ref[i] == got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + ref[i] + " (tolerance " + tol + ")");
            }
        }
    }

    /** |got − ref| ≤ rel·bound[i] + 1e-6: for sums whose f32 rounding error scales with Σ|terms|. */
    static void assertWithinBound(double[] ref, float[] got, double[] bound, double rel, String what) {
        assertEquals(ref.length, got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            double tol = rel * bound[i] + 1e-6;
            if (!(Math.abs(got[i] - ref[i]) <= tol)) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + ref[i] + " (tolerance " + tol + ")");
            }
        }
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
