package ai.ominix.kernel.cpu;

import static ai.ominix.kernel.KernelContract.gauss;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.KernelContract;
import ai.ominix.kernel.RefOps;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU attention's dot-product path (fewer than eight query rows per KV head: query rows in
 * pairs plus a single one, keys in four strided streams plus a remainder) under causal and
 * additive masks, against the float64 reference. Tolerance 2e-5 absolute and relative, as in the
 * shared contract.
 */
class AttentionPathsTest {

    private static final double TOL = 2e-5;

    @Test
    void smallQueryBlocksWithMasksMatchTheReference() {
        Random r = new Random(61);
        try (CpuBackend be = new CpuBackend(2); Scope s = Scope.open()) {
            // hq, hkv, lq, lk, d: 2 query rows (one pair), 3 (pair + single), 5 and 6 per KV head
            int[][] shapes = {{4, 2, 1, 133, 40}, {3, 1, 1, 131, 24}, {5, 5, 5, 9, 16}, {4, 2, 3, 257, 40}};
            for (int[] sh : shapes) {
                int hq = sh[0], hkv = sh[1], lq = sh[2], lk = sh[3], d = sh[4];
                float[] q = gauss(r, hq * lq * d), k = gauss(r, hkv * lk * d), v = gauss(r, hkv * lk * d);
                float scale = (float) (1 / Math.sqrt(d));
                Tensor tq = be.fromArray(q, 1, hq, lq, d), tk = be.fromArray(k, 1, hkv, lk, d), tv = be.fromArray(v, 1, hkv, lk, d);
                RefOps.Arr rq = RefOps.of(q, 1, hq, lq, d), rk = RefOps.of(k, 1, hkv, lk, d), rv = RefOps.of(v, 1, hkv, lk, d);
                check(be, RefOps.attention(rq, rk, rv, scale, true, null),
                        be.scaledDotProductAttention(tq, tk, tv, scale, AttentionMask.causal()), "causal " + java.util.Arrays.toString(sh));
                float[] bias = gauss(r, hq * lq * lk);
                for (int i = 0; i < bias.length; i += 7) bias[i] = Float.NEGATIVE_INFINITY;
                RefOps.Arr rb = RefOps.of(bias, 1, hq, lq, lk);
                check(be, RefOps.attention(rq, rk, rv, scale, false, rb),
                        be.scaledDotProductAttention(tq, tk, tv, scale, AttentionMask.additive(be.fromArray(bias, 1, hq, lq, lk))),
                        "additive " + java.util.Arrays.toString(sh));
            }
        }
    }

    private static void check(CpuBackend be, RefOps.Arr want, Tensor got, String what) {
        KernelContract.assertClose(want.data(), be.toFloatArray(got), TOL, TOL, what);
    }
}
