package ai.ominix.kernel;

import static ai.ominix.kernel.KernelContract.gauss;
import static ai.ominix.kernel.KernelContract.ref;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * matmul and linear on f32/f16/bf16 weights. Tolerance: an f32 dot product of K terms is within
 * about K·2⁻²⁴ of Σ|aᵢbᵢ|, so results must lie within 1e-6·Σ|aᵢbᵢ| (+1e-6) of the float64
 * reference — tight enough that any indexing or packing slip (an O(1) error) fails.
 */
public interface LinearContract extends KernelContract {

    double REL = 1e-6;

    @Test
    default void matmulAtOddSizesAcrossBlockEdges() {
        Random r = new Random(21);
        int[][] mkn = {{1, 37, 45}, {7, 130, 33}, {13, 300, 67}, {101, 261, 70}, {5, 1, 3}};
        for (int[] s : mkn) {
            float[] a = gauss(r, s[0] * s[1]), b = gauss(r, s[1] * s[2]);
            double[][] abs = new double[1][];
            RefOps.Arr want = RefOps.matmul(ref(a, s[0], s[1]), ref(b, s[1], s[2]), abs);
            Tensor got = be().matmul(t(a, s[0], s[1]), t(b, s[1], s[2]));
            assertArrayEquals(want.shape(), got.shape());
            KernelContract.assertWithinBound(want.data(), get(got), abs[0], REL, "matmul " + java.util.Arrays.toString(s));
        }
    }

    @Test
    default void batchedMatmulBroadcastsAndReadsViews() {
        Random r = new Random(22);
        int m = 9, k = 21, n = 11;
        float[] a = gauss(r, 2 * 3 * m * k), b = gauss(r, 3 * k * n);
        double[][] abs = new double[1][];
        RefOps.Arr want = RefOps.matmul(ref(a, 2, 3, m, k), ref(b, 3, k, n), abs);
        Tensor got = be().matmul(t(a, 2, 3, m, k), t(b, 3, k, n));
        assertArrayEquals(new int[] {2, 3, m, n}, got.shape());
        KernelContract.assertWithinBound(want.data(), get(got), abs[0], REL, "batched matmul");
        // attention-style q · kᵀ with k given as a transposed view
        float[] kk = gauss(r, 3 * n * k);
        Tensor kT = be().transpose(t(kk, 3, n, k), 0, 2, 1);
        RefOps.Arr kTref = ref(get(kT), 3, k, n);
        want = RefOps.matmul(ref(a, 2, 3, m, k), kTref, abs);
        KernelContract.assertWithinBound(want.data(), get(be().matmul(t(a, 2, 3, m, k), kT)), abs[0], REL, "matmul with a view");
        assertThrows(KernelException.class, () -> be().matmul(t(a, 2, 3, m, k), t(b, 3, n, k)));
    }

    @Test
    default void linearOnEveryWeightDtypeAndRowCount() {
        Random r = new Random(23);
        int in = 83, out = 45;
        float[] w = gauss(r, out * in), bias = gauss(r, out);
        for (DType dt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
            float[] ws = KernelContract.rounded(w, dt);
            Tensor tw = t(dt, w, out, in);
            for (int rows : new int[] {1, 2, 3, 13}) {
                float[] x = gauss(r, rows * in);
                double[][] abs = new double[1][];
                RefOps.Arr want = RefOps.matmul(ref(x, rows, in), RefOps.transpose2(ref(ws, out, in)), abs);
                String what = "linear " + dt + " rows " + rows;
                KernelContract.assertWithinBound(want.data(), get(be().linear(t(x, rows, in), tw, null)), abs[0], REL, what);
                float[] bs = KernelContract.rounded(bias, DType.BF16);
                RefOps.Arr withBias = RefOps.broadcast(want, ref(bs, out), Double::sum);
                Tensor got = be().linear(t(x, rows, in), tw, t(DType.BF16, bias, out));
                KernelContract.assertWithinBound(withBias.data(), get(got), abs[0], REL, what + " + bf16 bias");
            }
        }
        float[] x3 = gauss(r, 2 * 3 * in);
        Tensor y = be().linear(t(x3, 2, 3, in), t(w, out, in), null);
        assertArrayEquals(new int[] {2, 3, out}, y.shape(), "leading dimensions are kept");
        assertThrows(KernelException.class, () -> be().linear(t(x3, 2, 3, in), t(w, in, out), null));
    }

    @Test
    default void linearOnLargerShapesUsesAllRowsAndColumns() {
        Random r = new Random(24);
        int rows = 37, in = 517, out = 129; // several K blocks, M blocks and N panels
        float[] x = gauss(r, rows * in), w = gauss(r, out * in);
        double[][] abs = new double[1][];
        RefOps.Arr want = RefOps.matmul(ref(x, rows, in), RefOps.transpose2(ref(KernelContract.rounded(w, DType.BF16), out, in)), abs);
        KernelContract.assertWithinBound(want.data(), get(be().linear(t(x, rows, in), t(DType.BF16, w, out, in), null)), abs[0], REL,
                "linear 37x517x129 bf16");
    }
}
