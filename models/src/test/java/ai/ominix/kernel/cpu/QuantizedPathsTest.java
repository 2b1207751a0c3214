package ai.ominix.kernel.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelContract;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.RefOps;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.weights.MlxQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every route a quantized product takes on the CPU backend, against float64: the matvec (one row),
 * the few-rows kernel (2 ..< {@link Linear#FEW_ROWS}, in blocks of four activation rows with a
 * partial last block), the packed GEMM past it; with row counts that leave the four-stream split
 * and the thread split uneven, and column counts that leave a tail past the last whole vector
 * chunk; and several weights that share an input in one pass ({@code quantizedMatmuls}, formats mixed).
 * Tolerance as in the shared contract: 2e-6·Σ|x|·(|w| + 2^(bits−1)·|scale| + |bias|) + 1e-6.
 */
class QuantizedPathsTest {

    @Test
    void everyRowCountRouteMatchesTheFloat64Reference() {
        Random r = new Random(41);
        int[] rowCounts = {1, 2, 3, 4, 7, 9, Linear.FEW_ROWS, Linear.FEW_ROWS + 1};
        try (CpuBackend be = new CpuBackend(3); Scope s = Scope.open()) {
            for (int bits : new int[] {8, 4}) {
                for (int group : new int[] {32, 64, 128}) {
                    int out = 67, in = 5 * group;      // 160, 320 and 640 columns: with and without a tail
                    MlxQuantizer.Quantized q = MlxQuantizer.quantize(KernelContract.gauss(r, out * in), out, in, group, bits, DType.BF16);
                    QuantizedWeight w = weight(be, q);
                    RefOps.Arr dense = RefOps.dequantize(q.packed(), q.scales(), q.biases(), out, in, bits, group);
                    for (int m : rowCounts) {
                        float[] x = KernelContract.gauss(r, m * in);
                        RefOps.Arr want = RefOps.matmul(RefOps.of(x, m, in), RefOps.transpose2(dense), null);
                        Tensor got = be.quantizedMatmul(be.fromArray(x, m, in), w);
                        assertArrayEquals(new int[] {m, out}, got.shape());
                        KernelContract.assertWithinBound(want.data(), be.toFloatArray(got), bound(q, dense, x, m), 2e-6,
                                bits + "-bit group " + group + ", " + m + " rows");
                    }
                }
            }
        }
    }

    /**
     * Continuous batching decodes several sequences in one call: each sequence's row must get the
     * bits it gets alone (one row, the matvec), wherever it sits in the batch, or a request's answer
     * would depend on who else was being served. BF16 scales (the published checkpoints) and F32.
     */
    @Test
    void aRowInAFewRowsCallGetsTheBitsItGetsAlone() {
        Random r = new Random(44);
        try (CpuBackend be = new CpuBackend(2); Scope s = Scope.open()) {
            for (DType scales : new DType[] {DType.BF16, DType.F32}) {
                for (int[] f : new int[][] {{8, 64, 37, 5 * 64 + 16}, {8, 32, 6, 9 * 32}, {4, 64, 67, 5 * 64 + 32}, {4, 128, 3, 3 * 128}}) {
                    int bits = f[0], group = f[1], out = f[2], in = f[3] - f[3] % group;
                    MlxQuantizer.Quantized q = MlxQuantizer.quantize(KernelContract.gauss(r, out * in), out, in, group, bits, scales);
                    QuantizedWeight w = weight(be, q);
                    for (int m : new int[] {2, 3, 5, 6, 8, 13, Linear.FEW_ROWS}) {
                        float[] x = KernelContract.gauss(r, m * in);
                        float[] batch = be.toFloatArray(be.quantizedMatmul(be.fromArray(x, m, in), w));
                        for (int row = 0; row < m; row++) {
                            float[] alone = be.toFloatArray(be.quantizedMatmul(
                                    be.fromArray(java.util.Arrays.copyOfRange(x, row * in, (row + 1) * in), 1, in), w));
                            assertArrayEquals(alone, java.util.Arrays.copyOfRange(batch, row * out, (row + 1) * out),
                                    bits + "-bit group " + group + " " + scales + ", row " + row + " of " + m);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theGemmAcrossSeveralRowBlocksAndPartialPanels() {
        Random r = new Random(43);
        int m = Gemm.MC + 7, in = 5 * 64, out = 2 * Gemm.NR + 5;   // two M blocks, K = 2.5 blocks, a partial last panel
        try (CpuBackend be = new CpuBackend(3); Scope s = Scope.open()) {
            MlxQuantizer.Quantized q = MlxQuantizer.quantize(KernelContract.gauss(r, out * in), out, in, 64, 8, DType.BF16);
            RefOps.Arr dense = RefOps.dequantize(q.packed(), q.scales(), q.biases(), out, in, 8, 64);
            float[] x = KernelContract.gauss(r, m * in);
            RefOps.Arr want = RefOps.matmul(RefOps.of(x, m, in), RefOps.transpose2(dense), null);
            Tensor got = be.quantizedMatmul(be.fromArray(x, m, in), weight(be, q));
            KernelContract.assertWithinBound(want.data(), be.toFloatArray(got), bound(q, dense, x, m), 2e-6, m + " rows through the GEMM");
        }
    }

    @Test
    void weightsSharingAnInputGiveTheSameResultsTogetherAsAlone() {
        Random r = new Random(42);
        int in = 5 * 64;
        int[][] formats = {{8, 64, 67}, {8, 64, 29}, {4, 64, 131}, {4, 32, 3}};   // bits, group, out rows
        try (CpuBackend be = new CpuBackend(2); Scope s = Scope.open()) {
            QuantizedWeight[] ws = new QuantizedWeight[formats.length];
            MlxQuantizer.Quantized[] qs = new MlxQuantizer.Quantized[formats.length];
            for (int i = 0; i < formats.length; i++) {
                int out = formats[i][2];
                qs[i] = MlxQuantizer.quantize(KernelContract.gauss(r, out * in), out, in, formats[i][1], formats[i][0], DType.BF16);
                ws[i] = weight(be, qs[i]);
            }
            for (int m : new int[] {1, 3, Linear.FEW_ROWS + 1}) {
                float[] x = KernelContract.gauss(r, m * in);
                Tensor tx = be.fromArray(x, m, in);
                Tensor[] together = be.quantizedMatmuls(tx, ws);
                for (int i = 0; i < ws.length; i++) {
                    RefOps.Arr dense = RefOps.dequantize(qs[i].packed(), qs[i].scales(), qs[i].biases(), qs[i].rows(), in, qs[i].bits(),
                            qs[i].groupSize());
                    RefOps.Arr want = RefOps.matmul(RefOps.of(x, m, in), RefOps.transpose2(dense), null);
                    String what = "weight " + i + ", " + m + " rows";
                    KernelContract.assertWithinBound(want.data(), be.toFloatArray(together[i]), bound(qs[i], dense, x, m), 2e-6, what);
                    assertArrayEquals(be.toFloatArray(be.quantizedMatmul(tx, ws[i])), be.toFloatArray(together[i]), what + ": alone vs together");
                }
            }
        }
    }

    private static QuantizedWeight weight(CpuBackend be, MlxQuantizer.Quantized q) {
        Tensor packed = be.astype(be.fromArray(q.packed(), q.rows(), q.packedCols()), DType.U32);
        Tensor scales = be.astype(be.fromArray(q.scales(), q.rows(), q.groups()), q.dtype());
        Tensor biases = be.astype(be.fromArray(q.biases(), q.rows(), q.groups()), q.dtype());
        return new QuantizedWeight(packed, scales, biases, q.groupSize(), q.bits());
    }

    private static double[] bound(MlxQuantizer.Quantized q, RefOps.Arr w, float[] x, int m) {
        int in = q.cols(), out = q.rows();
        double[] b = new double[m * out];
        for (int i = 0; i < m; i++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int c = 0; c < in; c++) {
                    int g = o * q.groups() + c / q.groupSize();
                    s += Math.abs(x[i * in + c]) * (Math.abs(w.get(o, c)) + (1 << (q.bits() - 1)) * Math.abs(q.scales()[g])
                            + Math.abs(q.biases()[g]));
                }
                b[i * out + o] = s;
            }
        }
        return b;
    }
}
