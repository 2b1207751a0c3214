package ai.ominix.kernel;

import static ai.ominix.kernel.KernelContract.gauss;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.ominix.weights.HalfFloat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Creation, dtype conversion, views, copies and the in-place update. All exact. */
public interface ShapeOpsContract extends KernelContract {

    @Test
    default void hostRoundTripsAndZeros() {
        float[] v = gauss(new Random(1), 35);
        Tensor x = t(v, 5, 7);
        assertEquals(DType.F32, x.dtype());
        assertArrayEquals(new int[] {5, 7}, x.shape());
        assertArrayEquals(v, get(x));
        int[] ints = {3, -1, 0, 7, Integer.MAX_VALUE, Integer.MIN_VALUE};
        Tensor i = be().fromArray(ints, 2, 3);
        assertEquals(DType.I32, i.dtype());
        assertArrayEquals(ints, be().toIntArray(i));
        for (DType dt : DType.values()) {
            Tensor z = be().zeros(dt, 3, 1, 4);
            assertEquals(dt, z.dtype());
            assertArrayEquals(new float[12], get(z), dt.toString());
        }
        assertThrows(KernelException.class, () -> t(v, 6, 6));
    }

    @Test
    default void astypeRoundsToNearestEvenAndConvertsIntegers() {
        float[] v = gauss(new Random(2), 101);
        v[0] = 1f + 0x1p-8f; // a bf16 tie: rounds to the even neighbour 1.0
        v[1] = 65520f; // overflows f16
        for (DType dt : new DType[] {DType.BF16, DType.F16}) {
            Tensor h = be().astype(t(v, 101), dt);
            assertEquals(dt, h.dtype());
            float[] back = get(h);
            for (int i = 0; i < v.length; i++) {
                float want = dt == DType.BF16 ? HalfFloat.roundToBf16(v[i]) : HalfFloat.roundToF16(v[i]);
                assertEquals(want, back[i], dt + " element " + i);
            }
            assertArrayEquals(back, get(be().astype(be().astype(h, DType.F32), dt)), "f32 → " + dt + " is exact for " + dt + " values");
        }
        Tensor ints = be().fromArray(new int[] {-5, 0, 16777216, 3}, 4);
        assertArrayEquals(new float[] {-5, 0, 16777216, 3}, get(be().astype(ints, DType.F32)));
        Tensor u = be().astype(be().fromArray(new int[] {-1, 7}, 2), DType.U32);
        assertEquals(DType.U32, u.dtype());
        assertArrayEquals(new int[] {-1, 7}, be().toIntArray(u), "the same 32 bits");
        assertArrayEquals(new float[] {4294967295f, 7f}, get(u), "read as unsigned");
    }

    @Test
    default void transposeSliceAndReshapeViewsMatchIndexArithmetic() {
        int a = 3, b = 5, c = 7;
        float[] v = gauss(new Random(3), a * b * c);
        Tensor x = t(v, a, b, c);
        Tensor tr = be().transpose(x, 2, 0, 1); // [c, a, b]
        float[] got = get(tr);
        for (int k = 0; k < c; k++)
            for (int i = 0; i < a; i++)
                for (int j = 0; j < b; j++) assertEquals(v[(i * b + j) * c + k], got[(k * a + i) * b + j]);
        Tensor sl = be().slice(tr, -1, 1, 4); // [c, a, 3], b in 1..3
        Tensor sl2 = be().slice(sl, 0, 2, 6); // k in 2..5
        got = get(sl2);
        assertArrayEquals(new int[] {4, a, 3}, sl2.shape());
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < a; i++)
                for (int j = 0; j < 3; j++) assertEquals(v[(i * b + j + 1) * c + k + 2], got[(k * a + i) * 3 + j]);
        Tensor flat = be().reshape(sl2, -1); // a copy: the view is not contiguous
        assertArrayEquals(got, get(flat));
        Tensor rows = be().reshape(be().slice(x, 0, 1, 3), 2 * b, c); // a contiguous slice reshapes as a view
        float[] expect = new float[2 * b * c];
        System.arraycopy(v, b * c, expect, 0, expect.length);
        assertArrayEquals(expect, get(rows));
        Tensor split = be().reshape(be().transpose(x, 1, 0, 2), b, a, 1, c); // new size-1 axis in a permuted view
        assertArrayEquals(get(be().transpose(x, 1, 0, 2)), get(split));
        assertThrows(KernelException.class, () -> be().reshape(x, 4, -1));
        assertThrows(KernelException.class, () -> be().slice(x, 1, 2, 9));
        assertThrows(KernelException.class, () -> be().transpose(x, 0, 0, 1));
    }

    @Test
    default void concatenateAlongEachAxis() {
        Random r = new Random(4);
        float[] p = gauss(r, 2 * 3 * 5), q = gauss(r, 2 * 4 * 5);
        Tensor x = t(p, 2, 3, 5), y = t(q, 2, 4, 5);
        float[] got = get(be().concatenate(List.of(x, y), 1));
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 7; j++)
                for (int k = 0; k < 5; k++) {
                    float want = j < 3 ? p[(i * 3 + j) * 5 + k] : q[(i * 4 + j - 3) * 5 + k];
                    assertEquals(want, got[(i * 7 + j) * 5 + k]);
                }
        Tensor xt = be().transpose(x, 0, 2, 1); // [2, 5, 3]
        Tensor cat = be().concatenate(List.of(xt, xt, be().slice(xt, 2, 0, 1)), -1);
        assertArrayEquals(new int[] {2, 5, 7}, cat.shape());
        got = get(cat);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 5; j++)
                for (int k = 0; k < 7; k++) assertEquals(p[(i * 3 + (k < 6 ? k % 3 : 0)) * 5 + j], got[(i * 5 + j) * 7 + k]);
        assertThrows(KernelException.class, () -> be().concatenate(List.of(x, y), 0));
    }

    @Test
    default void sliceUpdateGrowsAKvCacheInPlace() {
        int h = 3, max = 11, d = 5;
        Tensor cache = be().zeros(DType.F32, 1, h, max, d);
        float[] expect = new float[h * max * d];
        Random r = new Random(5);
        int len = 0;
        for (int step : new int[] {4, 1, 1, 3}) {
            float[] kv = gauss(r, h * step * d);
            // the update arrives as [1, L, H, D] and is transposed to [1, H, L, D], a strided view
            Tensor upd = be().transpose(t(kv, 1, step, h, d), 0, 2, 1, 3);
            be().sliceUpdate(cache, upd, 2, len);
            for (int hh = 0; hh < h; hh++)
                for (int l = 0; l < step; l++)
                    for (int x = 0; x < d; x++) expect[(hh * max + len + l) * d + x] = kv[(l * h + hh) * d + x];
            len += step;
            assertArrayEquals(expect, get(cache), "after " + len + " positions");
            Tensor filled = be().slice(cache, 2, 0, len);
            assertEquals(len, filled.dim(2));
        }
        Tensor bf = be().zeros(DType.BF16, 2, 3);
        be().sliceUpdate(bf, t(new float[] {1.00390625f, 2f, 3f}, 1, 3), 0, 1);
        assertArrayEquals(new float[] {0, 0, 0, 1f, 2f, 3f}, get(bf), "converted to the target dtype");
        assertThrows(KernelException.class, () -> be().sliceUpdate(cache, be().zeros(DType.F32, 1, h, 2, d), 2, 10));
    }

    @Test
    default void takeGathersRowsOfAnyDtype() {
        Random r = new Random(6);
        int vocab = 13, dim = 9;
        float[] table = gauss(r, vocab * dim);
        Tensor idx = be().fromArray(new int[] {4, 0, 12, 4, -1, 7}, 2, 3);
        for (DType dt : new DType[] {DType.F32, DType.BF16}) {
            Tensor e = be().take(t(dt, table, vocab, dim), idx, 0);
            assertEquals(dt, e.dtype());
            assertArrayEquals(new int[] {2, 3, dim}, e.shape());
            float[] got = get(e), want = KernelContract.rounded(table, dt);
            int[] rows = {4, 0, 12, 4, 12, 7};
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < dim; j++) assertEquals(want[rows[i] * dim + j], got[i * dim + j]);
        }
        Tensor cols = be().take(t(table, vocab, dim), be().fromArray(new int[] {8, 1}, 2), 1);
        float[] got = get(cols);
        for (int i = 0; i < vocab; i++) {
            assertEquals(table[i * dim + 8], got[i * 2]);
            assertEquals(table[i * dim + 1], got[i * 2 + 1]);
        }
        Tensor packed = be().astype(be().fromArray(new int[] {1, 2, 3, 4, 5, 6}, 3, 2), DType.U32);
        Tensor picked = be().take(packed, be().fromArray(new int[] {2, 0}, 2), 0);
        assertEquals(DType.U32, picked.dtype());
        assertArrayEquals(new int[] {5, 6, 1, 2}, be().toIntArray(picked));
        assertThrows(KernelException.class, () -> be().take(packed, be().fromArray(new int[] {3}, 1), 0));
    }

    @Test
    default void repeatExpandsHeads() {
        float[] v = gauss(new Random(7), 2 * 3 * 4);
        Tensor x = t(v, 2, 3, 4);
        Tensor rep = be().repeat(x, 3, 1);
        assertArrayEquals(new int[] {2, 9, 4}, rep.shape());
        float[] got = get(rep);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 9; j++)
                for (int k = 0; k < 4; k++) assertEquals(v[(i * 3 + j / 3) * 4 + k], got[(i * 9 + j) * 4 + k]);
    }
}
