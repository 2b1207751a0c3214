package ai.ominix.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MlxQuantizerTest {

    /**
     * A transcription of MLX {@code affine_quantize}'s array fallback and {@code pack_and_quantize}
     * (ml-explore/mlx mlx/ops.cpp), op by op over whole arrays as MLX evaluates them. It has to stay
     * in f32: MLX computes scales and q in float32, and a float64 version would round differently
     * (that is the point of a bit-for-bit check).
     */
    static final class MlxReference {
        final int[] packed;
        final float[] scales, biases;

        MlxReference(float[] wIn, int rows, int cols, int groupSize, int bits, DType dtype) {
            int nGroups = rows * cols / groupSize;
            float[] w = new float[wIn.length];
            for (int i = 0; i < w.length; i++) w[i] = cast(wIn[i], dtype); // the input array has the weight dtype
            float nBins = (float) ((1 << bits) - 1);
            float eps = (float) 1e-7;
            // packed_w = reshape(w, {-1, groups, group_size}); w_max/w_min = max/min over the last axis
            float[] wMax = new float[nGroups], wMin = new float[nGroups];
            for (int g = 0; g < nGroups; g++) {
                wMax[g] = Float.NEGATIVE_INFINITY;
                wMin[g] = Float.POSITIVE_INFINITY;
                for (int j = 0; j < groupSize; j++) {
                    float x = w[g * groupSize + j];
                    if (x > wMax[g]) wMax[g] = x;
                    if (x < wMin[g]) wMin[g] = x;
                }
            }
            boolean[] mask = new boolean[nGroups]; // greater(abs(w_min), abs(w_max))
            float[] s = new float[nGroups], edge = new float[nGroups], q0 = new float[nGroups], b = new float[nGroups];
            for (int g = 0; g < nGroups; g++) mask[g] = Math.abs(wMin[g]) > Math.abs(wMax[g]);
            for (int g = 0; g < nGroups; g++) {
                float d = (wMax[g] - wMin[g]) / nBins;
                s[g] = d > eps ? d : eps;                      // maximum(divide(...), eps)
            }
            for (int g = 0; g < nGroups; g++) s[g] = mask[g] ? s[g] : -s[g];
            for (int g = 0; g < nGroups; g++) edge[g] = mask[g] ? wMin[g] : wMax[g];
            for (int g = 0; g < nGroups; g++) q0[g] = (float) Math.rint(edge[g] / s[g]);
            for (int g = 0; g < nGroups; g++) s[g] = q0[g] != 0 ? edge[g] / q0[g] : s[g];
            for (int g = 0; g < nGroups; g++) b[g] = q0[g] == 0 ? 0f : edge[g];
            // pack_and_quantize: q = astype(clip(round((w - biases) / scales), 0, n_bins), uint32)
            long[] q = new long[w.length];
            for (int i = 0; i < w.length; i++) {
                int g = i / groupSize;
                float v = (float) Math.rint((w[i] - b[g]) / s[g]);
                v = v < 0 ? 0 : (v > nBins ? nBins : v);
                q[i] = (long) v;
            }
            int wordsPerRow = cols * bits / 32;
            packed = new int[rows * wordsPerRow];
            if (Integer.bitCount(bits) == 1) {
                // reshape to {rows, -1, 32/bits}, multiply by 2^(0, bits, 2 bits, ...), sum
                int per = 32 / bits;
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < wordsPerRow; k++) {
                        long sum = 0;
                        for (int e = 0; e < per; e++) sum += q[r * cols + k * per + e] * (1L << (e * bits));
                        packed[r * wordsPerRow + k] = (int) sum;
                    }
                }
            } else {
                // expand each value into its bits, regroup the bit stream by 32, sum(bit << arange(32))
                for (int r = 0; r < rows; r++) {
                    int[] stream = new int[cols * bits];
                    for (int e = 0; e < cols; e++) {
                        for (int i = 0; i < bits; i++) stream[e * bits + i] = (int) ((q[r * cols + e] >> i) & 1);
                    }
                    for (int k = 0; k < wordsPerRow; k++) {
                        long sum = 0;
                        for (int i = 0; i < 32; i++) sum += (long) stream[k * 32 + i] << i;
                        packed[r * wordsPerRow + k] = (int) sum;
                    }
                }
            }
            scales = new float[nGroups];
            biases = new float[nGroups];
            for (int g = 0; g < nGroups; g++) {
                scales[g] = cast(s[g], dtype);
                biases[g] = cast(b[g], dtype);
            }
        }

        private static float cast(float f, DType t) {
            return switch (t) {
                case BF16 -> HalfFloat.bf16ToFloat(HalfFloat.floatToBf16(f));
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(f));
                default -> f;
            };
        }
    }

    @Test
    void matchesTheMlxRuleBitForBitForEveryBitsGroupAndDtype() {
        Random rnd = new Random(42);
        for (int bits : new int[] {2, 3, 4, 5, 6, 8}) {
            for (int group : new int[] {32, 64, 128}) {
                for (DType dtype : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                    int rows = 7, cols = group * 3;
                    float[] w = new float[rows * cols];
                    for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.05 + (i % 5 == 0 ? 0.02 : 0));
                    // rows with special groups: constant, all zero, positive only, negative only, a tie of edges
                    for (int j = 0; j < cols; j++) {
                        w[j] = 0.3f;
                        w[cols + j] = 0f;
                        w[2 * cols + j] = Math.abs(w[2 * cols + j]);
                        w[3 * cols + j] = -Math.abs(w[3 * cols + j]);
                        w[4 * cols + j] = j % 2 == 0 ? 0.5f : -0.5f;
                    }
                    MlxQuantizer.Quantized got = MlxQuantizer.quantize(w, rows, cols, group, bits, dtype);
                    MlxReference ref = new MlxReference(w, rows, cols, group, bits, dtype);
                    String what = "bits=" + bits + " group=" + group + " " + dtype;
                    assertArrayEquals(ref.packed, got.packed(), what);
                    assertArrayEquals(ref.scales, got.scales(), what);
                    assertArrayEquals(ref.biases, got.biases(), what);
                    assertEquals(rows * cols * bits / 32, got.packed().length);
                }
            }
        }
    }

    @Test
    void knownAnswerForA4BitRamp() {
        // w = k/31 for k = 0..31: max edge 1 is exact, scale = -1/15, bias = 1, q = rint(15·(1 − w))
        float[] w = new float[32];
        for (int k = 0; k < 32; k++) w[k] = k / 31f;
        MlxQuantizer.Quantized q = MlxQuantizer.quantize(w, 1, 32, 32, 4, DType.F32);
        assertEquals(1f / -15f, q.scales()[0]);
        assertEquals(1f, q.biases()[0]);
        int[] expectFirst8 = {15, 15, 14, 14, 13, 13, 12, 12};
        int word = 0;
        for (int e = 0; e < 8; e++) word |= expectFirst8[e] << (4 * e);
        assertEquals(word, q.packed()[0]);
        assertEquals(0, (q.packed()[3] >>> 28) & 0xF, "w = 1 is the exact edge: q = 0");
    }

    @Test
    void eightBitWordsHoldConsecutiveBytesLeastSignificantFirst() {
        float[] w = new float[32];
        for (int k = 0; k < 32; k++) w[k] = -k; // min edge −31 exact, scale 31/255
        MlxQuantizer.Quantized q = MlxQuantizer.quantize(w, 1, 32, 32, 8, DType.F32);
        float[] deq = q.dequantize();
        int b0 = q.packed()[0] & 0xFF, b1 = (q.packed()[0] >>> 8) & 0xFF;
        assertEquals(255, b0, "w[0] = 0 is the top of the range");
        assertEquals(Math.rint((-1 - q.biases()[0]) / q.scales()[0]), b1);
        assertEquals(-31f, deq[31], 1e-6f);
    }

    @Test
    void everyValueDequantizesToItsNearestLevel() {
        Random rnd = new Random(7);
        for (int bits : new int[] {2, 3, 4, 5, 6, 8}) {
            int rows = 5, cols = 192, n = (1 << bits) - 1;
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
            MlxQuantizer.Quantized q = MlxQuantizer.quantize(w, rows, cols, 64, bits, DType.F32);
            float[] deq = q.dequantize();
            for (int i = 0; i < w.length; i++) {
                double s = q.scales()[i / 64], b = q.biases()[i / 64], best = Double.MAX_VALUE;
                for (int level = 0; level <= n; level++) best = Math.min(best, Math.abs(s * level + b - w[i]));
                assertEquals(best, Math.abs(deq[i] - w[i]), 1e-5, "bits " + bits + " i " + i);
            }
        }
    }

    @Test
    void rejectsUnsupportedParameters() {
        assertThrows(IllegalArgumentException.class, () -> MlxQuantizer.quantize(new float[64], 1, 64, 16, 4, DType.F32));
        assertThrows(IllegalArgumentException.class, () -> MlxQuantizer.quantize(new float[64], 1, 64, 64, 7, DType.F32));
        assertThrows(IllegalArgumentException.class, () -> MlxQuantizer.quantize(new float[96], 1, 96, 64, 4, DType.F32));
    }
}
