package ai.ominix.mlx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The binding layer on the real library: data in and out, dtypes, errors, in-place update, quantized format. */
@RequiresMlx
class MlxOpsTest {

    static MlxStream stream;
    static MlxOps ops;
    final Random rnd = new Random(7);

    @BeforeAll
    static void open() {
        stream = MlxStream.defaultFor(MlxDevice.best());
        ops = new MlxOps(stream);
    }

    @AfterAll
    static void close() {
        stream.close();
    }

    float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Test
    void hostDataRoundTripsWithShapeAndDtype() {
        float[] data = random(3 * 5 * 7);
        try (MlxArray a = MlxArray.of(data, 3, 5, 7); MlxArray i = MlxArray.of(new int[] {4, -1, 9}, 3)) {
            assertArrayEquals(new int[] {3, 5, 7}, a.shape());
            assertEquals(MlxDType.FLOAT32, a.dtype());
            assertEquals(105, a.size());
            assertArrayEquals(data, ops.toFloats(a));
            assertArrayEquals(new int[] {4, -1, 9}, ops.toInts(i));
            assertEquals(MlxDType.INT32, i.dtype());
        }
    }

    @Test
    void viewsAreReadRowMajor() {
        float[] data = random(3 * 5);
        try (MlxArray a = MlxArray.of(data, 3, 5);
                MlxArray t = ops.transpose(a, 1, 0);
                MlxArray s = ops.slice(a, new int[] {1, 1}, new int[] {3, 5}, new int[] {1, 2})) {
            float[] tt = ops.toFloats(t);
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 3; c++) assertEquals(data[c * 5 + r], tt[r * 3 + c]);
            }
            assertArrayEquals(new float[] {data[6], data[8], data[11], data[13]}, ops.toFloats(s));
        }
    }

    @Test
    void halfFloatsAreReadThroughUint16Bits() {
        float[] data = random(11);
        try (MlxArray a = MlxArray.of(data, 11);
                MlxArray h = ops.astype(a, MlxDType.FLOAT16);
                MlxArray b = ops.astype(a, MlxDType.BFLOAT16)) {
            short[] hb = ops.toUint16Bits(h);
            short[] bb = ops.toUint16Bits(b);
            float[] hf = ops.toFloats(h);
            for (int i = 0; i < data.length; i++) {
                assertEquals(Float.floatToFloat16(data[i]), hb[i], "f16 bits at " + i);
                assertEquals(Float.float16ToFloat(hb[i]), hf[i]);
                int bits = Float.floatToRawIntBits(data[i]);
                short rne = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16); // round to nearest even
                assertEquals(rne, bb[i], "bf16 bits at " + i);
            }
        }
    }

    @Test
    void failuresBecomeExceptionsWithMlxMessageAndTheProcessLives() {
        try (MlxArray a = MlxArray.of(random(6), 2, 3); MlxArray b = MlxArray.of(random(2), 2, 1)) {
            var e = assertThrows(MlxException.class, () -> ops.matmul(a, b));
            assertTrue(e.getMessage().contains("[matmul]") && e.getMessage().contains("(2,3)"), e.getMessage());
            try (MlxArray ok = ops.add(a, a)) { // the library still works after the error
                assertEquals(2 * ops.toFloats(a)[4], ops.toFloats(ok)[4]);
            }
        }
    }

    @Test
    void sliceUpdateInPlaceChangesTheTargetButNotEarlierGraphs() {
        try (MlxArray cache = ops.zeros(MlxDType.FLOAT32, 2, 5, 3);
                MlxArray before = ops.sum(cache, 1, false);
                MlxArray upd = MlxArray.of(random(2 * 2 * 3), 2, 2, 3)) {
            ops.sliceUpdateInPlace(cache, upd, new int[] {0, 1, 0}, new int[] {2, 3, 3}, new int[] {1, 1, 1});
            float[] c = ops.toFloats(cache);
            float[] u = ops.toFloats(upd);
            for (int b = 0; b < 2; b++) {
                for (int l = 0; l < 5; l++) {
                    for (int d = 0; d < 3; d++) {
                        float want = l >= 1 && l < 3 ? u[(b * 2 + l - 1) * 3 + d] : 0f;
                        assertEquals(want, c[(b * 5 + l) * 3 + d]);
                    }
                }
            }
            assertArrayEquals(new float[6], ops.toFloats(before));
        }
    }

    @Test
    void concatenateAndEvalTakeManyArrays() {
        float[] a = random(4);
        float[] b = random(2);
        try (MlxArray x = MlxArray.of(a, 2, 2); MlxArray y = MlxArray.of(b, 2, 1);
                MlxArray c = ops.concatenate(List.of(x, y), 1)) {
            MlxOps.eval(c, x);
            assertArrayEquals(new float[] {a[0], a[1], b[0], a[2], a[3], b[1]}, ops.toFloats(c));
        }
    }

    /** The stored format: uint32 words, element e in bits e*bits.., scales/biases [N, K/group]. */
    @Test
    void quantizedWeightsUseTheDocumentedPackingAndMatmulReadsThemAsStored() {
        int n = 7;
        int k = 96;
        int group = 32;
        for (int bits : new int[] {4, 8}) {
            float[] w = random(n * k);
            float[] x = random(3 * k);
            try (MlxArray wa = MlxArray.of(w, n, k); MlxOps.Quantized q = ops.quantize(wa, group, bits);
                    MlxArray xa = MlxArray.of(x, 3, k);
                    MlxArray y = ops.quantizedMatmul(xa, q.packed(), q.scales(), q.biases(), true, group, bits);
                    MlxArray deq = ops.dequantize(q.packed(), q.scales(), q.biases(), group, bits, MlxDType.FLOAT32)) {
                assertArrayEquals(new int[] {n, k * bits / 32}, q.packed().shape());
                assertEquals(MlxDType.UINT32, q.packed().dtype());
                assertArrayEquals(new int[] {n, k / group}, q.scales().shape());
                int[] words = ops.toInts(q.packed());
                float[] scales = ops.toFloats(q.scales());
                float[] biases = ops.toFloats(q.biases());
                double[] ref = new double[n * k];
                int perWord = 32 / bits;
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < k; c++) {
                        int word = words[r * (k / perWord) + c / perWord];
                        int qv = (word >>> ((c % perWord) * bits)) & ((1 << bits) - 1);
                        int g = r * (k / group) + c / group;
                        ref[r * k + c] = (double) scales[g] * qv + biases[g];
                    }
                }
                float[] mlxDeq = ops.toFloats(deq);
                for (int i = 0; i < ref.length; i++) {
                    assertEquals(ref[i], mlxDeq[i], 1e-6 * Math.max(1, Math.abs(ref[i])));
                    assertEquals(w[i], ref[i], bits == 8 ? 0.05 : 0.6, "quantization error at " + i);
                }
                float[] got = ops.toFloats(y);
                for (int i = 0; i < 3; i++) {
                    for (int r = 0; r < n; r++) {
                        double want = 0;
                        for (int c = 0; c < k; c++) want += (double) x[i * k + c] * ref[r * k + c];
                        assertEquals(want, got[i * n + r], 1e-4 * (1 + Math.abs(want)), "y[" + i + "," + r + "]");
                    }
                }
            }
        }
    }
}
