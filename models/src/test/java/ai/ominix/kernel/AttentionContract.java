package ai.ominix.kernel;

import static ai.ominix.kernel.KernelContract.gauss;
import static ai.ominix.kernel.KernelContract.ref;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scaled dot-product attention against a full-score-matrix float64 reference. Outputs are convex
 * combinations of V rows (|v| ~ 1), so the tolerance is 2e-5 absolute + 2e-5 relative.
 */
public interface AttentionContract extends KernelContract {

    double TOL = 2e-5;

    private void check(int b, int hq, int hkv, int lq, int lk, int d, boolean causal, float[] mask, int[] maskShape, long seed) {
        Random r = new Random(seed);
        float[] q = gauss(r, b * hq * lq * d), k = gauss(r, b * hkv * lk * d), v = gauss(r, b * hkv * lk * d);
        float scale = (float) (1 / Math.sqrt(d));
        RefOps.Arr rm = null;
        AttentionMask am = causal ? AttentionMask.causal() : AttentionMask.none();
        if (mask != null) {
            am = AttentionMask.additive(t(mask, maskShape));
            rm = RefOps.broadcast(ref(mask, maskShape), new RefOps.Arr(new int[] {b, hq, lq, lk}, new double[b * hq * lq * lk]), Double::sum);
        }
        RefOps.Arr want = RefOps.attention(ref(q, b, hq, lq, d), ref(k, b, hkv, lk, d), ref(v, b, hkv, lk, d), scale, causal, rm);
        Tensor got = be().scaledDotProductAttention(t(q, b, hq, lq, d), t(k, b, hkv, lk, d), t(v, b, hkv, lk, d), scale, am);
        assertClose(want, got, TOL, TOL, "sdpa b" + b + " hq" + hq + " hkv" + hkv + " lq" + lq + " lk" + lk + " d" + d
                + (causal ? " causal" : "") + (mask != null ? " masked" : ""));
    }

    @Test
    default void unmaskedMultiHead() {
        check(2, 4, 4, 5, 9, 24, false, null, null, 41);
    }

    @Test
    default void causalPrefillWithGroupedQueryHeads() {
        check(1, 6, 2, 13, 13, 40, true, null, null, 42);
        check(1, 16, 8, 37, 37, 64, true, null, null, 43);
    }

    @Test
    default void causalChunkIsBottomRightAligned() {
        check(1, 6, 2, 4, 29, 40, true, null, null, 44);
        check(1, 6, 3, 1, 37, 24, true, null, null, 45);
    }

    @Test
    default void longContextDecodeAndSmallPrefill() {
        check(1, 4, 1, 1, 700, 64, true, null, null, 46);
        check(1, 4, 2, 3, 701, 32, false, null, null, 47);
        check(1, 16, 2, 1, 1300, 128, true, null, null, 48);
    }

    @Test
    default void additiveBlockDiagonalWindows() {
        int l = 17, w = 5;
        float[] mask = new float[l * l];
        for (int i = 0; i < l; i++)
            for (int j = 0; j < l; j++) mask[i * l + j] = i / w == j / w ? 0f : Float.NEGATIVE_INFINITY;
        check(1, 4, 4, l, l, 24, false, mask, new int[] {1, 1, l, l}, 49);
        float[] bias = gauss(new Random(50), 3 * l * l); // a per-head additive bias, broadcast over the batch
        check(2, 3, 3, l, l, 16, false, bias, new int[] {3, l, l}, 51);
    }

    @Test
    default void readsAKvCacheSliceAndTransposedQueriesInPlace() {
        Random r = new Random(52);
        int hq = 6, hkv = 2, max = 64, len = 37, d = 32;
        Tensor kc = be().zeros(DType.F32, 1, hkv, max, d), vc = be().zeros(DType.F32, 1, hkv, max, d);
        float[] k = gauss(r, hkv * len * d), v = gauss(r, hkv * len * d);
        be().sliceUpdate(kc, t(k, 1, hkv, len, d), 2, 0);
        be().sliceUpdate(vc, t(v, 1, hkv, len, d), 2, 0);
        float[] qLhd = gauss(r, 2 * hq * d); // two new tokens as [1, L, H, D]
        Tensor q = be().transpose(t(qLhd, 1, 2, hq, d), 0, 2, 1, 3);
        float scale = 0.17f;
        Tensor got = be().scaledDotProductAttention(q, be().slice(kc, 2, 0, len), be().slice(vc, 2, 0, len), scale, AttentionMask.causal());
        RefOps.Arr want = RefOps.attention(ref(get(q), 1, hq, 2, d), ref(k, 1, hkv, len, d), ref(v, 1, hkv, len, d), scale, true, null);
        assertClose(want, got, TOL, TOL, "sdpa on cache views");
        assertArrayEquals(new int[] {1, hq, 2, d}, got.shape());
        assertThrows(KernelException.class, () -> be().scaledDotProductAttention(q, be().zeros(DType.F32, 1, 4, len, d), be().zeros(DType.F32, 1, 4, len, d), 1f,
                AttentionMask.none()));
    }
}
