package ai.ominix.kernel;

import static ai.ominix.kernel.KernelContract.gauss;
import static ai.ominix.kernel.KernelContract.ref;
import static ai.ominix.kernel.KernelContract.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Elementwise ops with broadcasting, activations, reductions, softmax, norms and RoPE. */
public interface ElementwiseContract extends KernelContract {

    @Test
    default void binaryOpsBroadcastOverViewsAndHalfInputs() {
        Random r = new Random(11);
        float[] a = gauss(r, 3 * 1 * 37), b = gauss(r, 4 * 37), c = gauss(r, 37 * 4);
        for (int i = 0; i < b.length; i++) if (Math.abs(b[i]) < 0.1f) b[i] = 0.5f; // keep divide well conditioned
        Tensor ta = t(a, 3, 1, 37), tb = t(b, 4, 37);
        Tensor tc = be().transpose(t(c, 37, 4), 1, 0); // [4, 37] strided view
        Tensor bf = t(DType.BF16, b, 4, 37);
        RefOps.Arr ra = ref(a, 3, 1, 37), rb = ref(b, 4, 37), rbf = ref(KernelContract.rounded(b, DType.BF16), 4, 37);
        float[] ct = new float[c.length];
        for (int i = 0; i < 37; i++) for (int j = 0; j < 4; j++) ct[j * 37 + i] = c[i * 4 + j];
        RefOps.Arr rc = ref(ct, 4, 37);
        double rt = 1e-6; // one f32 rounding of an exact result
        assertClose(RefOps.broadcast(ra, rb, Double::sum), be().add(ta, tb), 0, rt, "add");
        assertClose(RefOps.broadcast(ra, rb, (x, y) -> x - y), be().subtract(ta, tb), 1e-7, rt, "subtract");
        assertClose(RefOps.broadcast(ra, rb, (x, y) -> x * y), be().multiply(ta, tb), 0, rt, "multiply");
        assertClose(RefOps.broadcast(ra, rb, (x, y) -> x / y), be().divide(ta, tb), 0, rt, "divide");
        assertClose(RefOps.broadcast(ra, rb, Math::max), be().maximum(ta, tb), 0, 0, "maximum");
        assertClose(RefOps.broadcast(ra, rc, Double::sum), be().add(ta, tc), 0, rt, "add a transposed view");
        assertClose(RefOps.broadcast(rbf, ra, (x, y) -> x * y), be().multiply(bf, ta), 0, rt, "bf16 times f32");
        Tensor scalar = t(new float[] {2.5f}, 1);
        assertClose(RefOps.broadcast(ra, ref(new float[] {2.5f}, 1), (x, y) -> x * y), be().multiply(ta, scalar), 0, rt, "scalar");
        assertEquals(DType.F32, be().add(bf, bf).dtype());
        assertThrows(KernelException.class, () -> be().add(ta, t(new float[6], 6)));
    }

    @Test
    default void activationsMatchTheirDefinitions() {
        Random r = new Random(12);
        int n = 1000 + 37;
        float[] x = uniform(r, n, -12f, 12f);
        x[0] = 0f;
        x[1] = -0.0f;
        x[2] = 1e-6f;
        Tensor tx = t(x, n);
        RefOps.Arr rx = ref(x, n);
        assertClose(RefOps.map(rx, Math::exp), be().exp(tx), 1e-30, 2e-6, "exp");
        assertClose(RefOps.map(rx, RefOps::sigmoid), be().sigmoid(tx), 1e-7, 2e-6, "sigmoid");
        assertClose(RefOps.map(rx, v -> v * RefOps.sigmoid(v)), be().silu(tx), 1e-7, 2e-6, "silu");
        assertClose(RefOps.map(rx, RefOps::gelu), be().gelu(tx), f32ErfFormAtol(x), 2e-6, "gelu (erf)");
        assertClose(RefOps.map(rx, v -> v * -0.75), be().scale(tx, -0.75f), 0, 1e-7, "scale");
        assertClose(RefOps.map(rx, v -> v + 3.25), be().addScalar(tx, 3.25f), 1e-6, 1e-7, "addScalar");
        float[] pos = uniform(r, 67, 1e-3f, 50f);
        assertClose(RefOps.map(ref(pos, 67), Math::log), be().log(t(pos, 67)), 1e-6, 1e-6, "log");
        Tensor view = be().slice(be().reshape(tx, 61, 17), 1, 3, 14); // non-contiguous input
        float[] vx = get(view);
        assertClose(RefOps.map(ref(vx, 61, 11), RefOps::gelu), be().gelu(view), f32ErfFormAtol(vx), 2e-6, "gelu of a view");
    }

    @Test
    default void reductionsAlongEveryAxis() {
        Random r = new Random(13);
        int[] shape = {5, 19, 3};
        float[] v = gauss(r, 5 * 19 * 3);
        v[7 * 3 + 1] = v[9 * 3 + 1] = 9f; // a tie in [0, :, 1]: argmax takes the first
        Tensor x = t(v, shape);
        RefOps.Arr rx = ref(v, shape);
        for (int axis : new int[] {0, 1, 2, -1}) {
            for (boolean keep : new boolean[] {false, true}) {
                String w = " axis " + axis + " keep " + keep;
                assertClose(RefOps.reduce(rx, axis, keep, RefOps.Red.SUM), be().sum(x, axis, keep), 2e-5, 1e-5, "sum" + w);
                assertClose(RefOps.reduce(rx, axis, keep, RefOps.Red.MEAN), be().mean(x, axis, keep), 2e-6, 1e-5, "mean" + w);
                assertClose(RefOps.reduce(rx, axis, keep, RefOps.Red.MAX), be().max(x, axis, keep), 0, 0, "max" + w);
                assertClose(RefOps.reduce(rx, axis, keep, RefOps.Red.LOGSUMEXP), be().logsumexp(x, axis, keep), 1e-5, 1e-5, "lse" + w);
            }
            Tensor am = be().argmax(x, axis);
            assertEquals(DType.I32, am.dtype());
            double[] want = RefOps.reduce(rx, axis, false, RefOps.Red.ARGMAX).data();
            int[] got = be().toIntArray(am);
            for (int i = 0; i < want.length; i++) assertEquals((int) want[i], got[i], "argmax axis " + axis + " at " + i);
        }
        float[] wide = gauss(r, 3 * 1001);
        assertClose(RefOps.reduce(ref(wide, 3, 1001), 1, false, RefOps.Red.LOGSUMEXP), be().logsumexp(t(wide, 3, 1001), 1, false),
                1e-5, 1e-5, "lse over a vocabulary-like axis");
    }

    @Test
    default void softmaxSumsToOneAlongAnyAxis() {
        Random r = new Random(14);
        float[] v = uniform(r, 4 * 37 * 3, -20f, 20f);
        Tensor x = t(v, 4, 37, 3);
        for (int axis : new int[] {-1, 1, 0}) {
            assertClose(RefOps.softmax(ref(v, 4, 37, 3), axis), be().softmax(x, axis), 1e-7, 1e-5, "softmax axis " + axis);
        }
        float[] masked = gauss(r, 2 * 33);
        for (int j = 20; j < 33; j++) masked[j] = Float.NEGATIVE_INFINITY;
        float[] got = get(be().softmax(t(masked, 2, 33), -1));
        for (int j = 20; j < 33; j++) assertEquals(0f, got[j], "-inf gets zero weight");
        KernelContract.assertClose(RefOps.softmax(ref(masked, 2, 33), -1).data(), got, 1e-7, 1e-5, "softmax with -inf");
    }

    @Test
    default void rmsAndLayerNormOverTheLastAxis() {
        Random r = new Random(15);
        int rows = 7, d = 131;
        float[] x = gauss(r, rows * d), w = gauss(r, d), b = gauss(r, d);
        for (int i = 0; i < d; i++) x[i] += 3f; // a row with a large mean
        Tensor tx = t(x, 1, rows, d);
        RefOps.Arr rx = ref(x, 1, rows, d);
        double[] wd = KernelContract.toDouble(w), bd = KernelContract.toDouble(b);
        assertClose(RefOps.rmsNorm(rx, wd, 1e-6), be().rmsNorm(tx, t(w, d), 1e-6f), 1e-5, 1e-5, "rms_norm");
        assertClose(RefOps.rmsNorm(rx, null, 1e-5), be().rmsNorm(tx, null, 1e-5f), 1e-5, 1e-5, "rms_norm without weight");
        double[] wbf = KernelContract.toDouble(KernelContract.rounded(w, DType.BF16));
        assertClose(RefOps.rmsNorm(rx, wbf, 1e-6), be().rmsNorm(tx, t(DType.BF16, w, d), 1e-6f), 1e-5, 1e-5, "rms_norm bf16 weight");
        assertClose(RefOps.layerNorm(rx, wd, bd, 1e-5), be().layerNorm(tx, t(w, d), t(b, d), 1e-5f), 1e-5, 1e-5, "layer_norm");
        assertClose(RefOps.layerNorm(rx, null, null, 1e-5), be().layerNorm(tx, null, null, 1e-5f), 1e-5, 1e-5, "layer_norm bare");
        assertThrows(KernelException.class, () -> be().rmsNorm(tx, t(w, d - 1), 1e-6f));
    }

    @Test
    default void ropeBothFormsWithAnOffset() {
        Random r = new Random(16);
        int h = 3, l = 9, d = 22;
        float[] x = gauss(r, h * l * d);
        Tensor tx = t(x, 1, h, l, d);
        RefOps.Arr rx = ref(x, 1, h, l, d);
        for (boolean traditional : new boolean[] {false, true}) {
            for (int dims : new int[] {d, 14}) {
                for (int offset : new int[] {0, 1000}) {
                    assertClose(RefOps.rope(rx, dims, traditional, 10000, 1.0, offset),
                            be().rope(tx, dims, traditional, 10000f, 1.0f, offset), 2e-5 + f32AngleAtol(offset + l, 1, x), 1e-5,
                            "rope traditional=" + traditional + " dims=" + dims + " offset=" + offset);
                }
            }
        }
        assertClose(RefOps.rope(rx, d, false, 1_000_000, 0.5, 37), be().rope(tx, d, false, 1_000_000f, 0.5f, 37),
                2e-5 + f32AngleAtol(37 + l, 0.5, x), 1e-5,
                "rope theta 1e6, scale 0.5");
        // [1, L, H, D] projections transposed to [1, H, L, D]: a strided view
        float[] lhd = gauss(r, l * h * d);
        Tensor view = be().transpose(t(lhd, 1, l, h, d), 0, 2, 1, 3);
        float[] asHld = get(view);
        assertClose(RefOps.rope(ref(asHld, 1, h, l, d), d, false, 10000, 1, 5), be().rope(view, d, false, 10000f, 1f, 5),
                2e-5 + f32AngleAtol(5 + l, 1, asHld), 1e-5,
                "rope of a view");
        assertArrayEquals(new int[] {1, h, l, d}, be().rope(view, d, false, 10000f, 1f, 5).shape());
    }

    /**
     * Exact GELU evaluated as written, {@code x·(1 + erf(x/√2))/2} in f32 (MLX's {@code nn.gelu} and
     * PyTorch's form): in the negative tail {@code 1 + erf} is small and a few f32 roundings of it
     * cost up to |x|·2⁻²² absolute. An erfc formulation avoids that but needs ~35 MLX ops instead of 5.
     */
    static double f32ErfFormAtol(float[] x) {
        double max = 0;
        for (float v : x) max = Math.max(max, Math.abs(v));
        return 1e-7 + Math.scalb(max, -22);
    }

    /**
     * RoPE with angles {@code scale·pos·base^(−2i/dims)} formed in f32 (MLX's fast rope, and the
     * reference models' own {@code outer(t, inv_freq)}): the frequency and the product each round,
     * |Δθ| ≤ 2⁻²³·θ, which rotates a pair (a, b) by an error up to |Δθ|·(|a| + |b|). At position
     * 1000 that is ~1e-4 rad, far above the 2e-5 a double-precision angle table achieves.
     */
    static double f32AngleAtol(int maxPosition, double scale, float[] x) {
        double max = 0;
        for (float v : x) max = Math.max(max, Math.abs(v));
        return Math.scalb(scale * maxPosition * 2 * max, -23);
    }
}
