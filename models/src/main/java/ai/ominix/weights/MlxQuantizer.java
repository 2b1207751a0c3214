package ai.ominix.weights;

import ai.ominix.kernel.DType;

/**
 * MLX affine quantization ({@code mx.quantize(w, group_size, bits)}, mode "affine"), bit for bit:
 * the same f32 arithmetic as MLX's {@code affine_quantize} / {@code pack_and_quantize}, so tiny
 * test checkpoints and benchmark weights are exactly what an mlx-community conversion would hold.
 *
 * <p>Per group of {@code groupSize} consecutive values of a row, with {@code n = 2^bits − 1}: the
 * edge of larger magnitude is made exactly representable ({@code scale = ±max((max−min)/n, 1e-7)},
 * {@code q0 = rint(edge/scale)}; unless {@code q0 == 0}: {@code scale = edge/q0}, {@code bias = edge}),
 * then {@code q = clip(rint((w − bias)/scale), 0, n)}. Values are packed along the row as one
 * little-endian bit stream (value e at bits {@code e·bits .. e·bits+bits−1}) in uint32 words, so
 * 3/5/6-bit values may straddle words. Scales and biases are cast to the weight dtype.
 */
public final class MlxQuantizer {

    private MlxQuantizer() {}

    /**
     * A quantized matrix: {@code packed} is {@code [rows, cols·bits/32]} uint32 words,
     * {@code scales}/{@code biases} {@code [rows, cols/groupSize]} holding values exactly
     * representable in {@code dtype}.
     */
    public record Quantized(int rows, int cols, int groupSize, int bits, DType dtype,
                            int[] packed, float[] scales, float[] biases) {

        public int packedCols() {
            return cols * bits / 32;
        }

        public int groups() {
            return cols / groupSize;
        }

        /** Dequantized values {@code scale·q + bias}, row-major {@code [rows, cols]}. */
        public float[] dequantize() {
            float[] out = new float[rows * cols];
            int mask = (1 << bits) - 1;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    long bit = (long) c * bits;
                    int base = r * packedCols();
                    int w = (int) (bit >>> 5), sh = (int) (bit & 31);
                    long two = (packed[base + w] & 0xFFFF_FFFFL)
                            | (w + 1 < packedCols() ? (packed[base + w + 1] & 0xFFFF_FFFFL) << 32 : 0);
                    int q = (int) (two >>> sh) & mask;
                    int g = r * groups() + c / groupSize;
                    out[r * cols + c] = scales[g] * q + biases[g];
                }
            }
            return out;
        }

        /** Adds {@code prefix.weight} (U32), {@code prefix.scales} and {@code prefix.biases} to a checkpoint. */
        public void addTo(SafetensorsWriter writer, String prefix) {
            writer.add(prefix + ".weight", DType.U32, packed, rows, packedCols());
            writer.add(prefix + ".scales", dtype, scales, rows, groups());
            writer.add(prefix + ".biases", dtype, biases, rows, groups());
        }
    }

    /**
     * Quantizes {@code w} ({@code [rows, cols]} row-major) as MLX would quantize it stored in
     * {@code dtype}: the values are first rounded to {@code dtype} (F32, F16 or BF16).
     */
    public static Quantized quantize(float[] w, int rows, int cols, int groupSize, int bits, DType dtype) {
        if (groupSize != 32 && groupSize != 64 && groupSize != 128) {
            throw new IllegalArgumentException("group size must be 32, 64 or 128, got " + groupSize);
        }
        if (bits < 2 || bits > 8 || bits == 7) {
            throw new IllegalArgumentException("bits must be 2, 3, 4, 5, 6 or 8, got " + bits);
        }
        if (!dtype.isFloating()) throw new IllegalArgumentException("weights must be a float dtype, got " + dtype);
        if (cols % groupSize != 0) {
            throw new IllegalArgumentException("columns " + cols + " are not a multiple of the group size " + groupSize);
        }
        if ((long) rows * cols != w.length) throw new IllegalArgumentException(w.length + " values for [" + rows + ", " + cols + "]");
        int groups = cols / groupSize;
        int words = cols * bits / 32;
        int[] packed = new int[rows * words];
        float[] scales = new float[rows * groups];
        float[] biases = new float[rows * groups];
        float nBins = (1 << bits) - 1;
        float[] v = new float[groupSize];
        for (int r = 0; r < rows; r++) {
            long acc = 0; // pending bits of this row's stream, LSB first
            int pending = 0;
            int out = r * words;
            for (int g = 0; g < groups; g++) {
                float wMax = Float.NEGATIVE_INFINITY, wMin = Float.POSITIVE_INFINITY;
                for (int j = 0; j < groupSize; j++) {
                    v[j] = round(w[r * cols + g * groupSize + j], dtype);
                    wMax = Math.max(wMax, v[j]);
                    wMin = Math.min(wMin, v[j]);
                }
                boolean minEdge = Math.abs(wMin) > Math.abs(wMax);
                float scale = Math.max((wMax - wMin) / nBins, 1e-7f);
                scale = minEdge ? scale : -scale;
                float edge = minEdge ? wMin : wMax;
                float q0 = (float) Math.rint(edge / scale);
                float bias = 0;
                if (q0 != 0) {
                    scale = edge / q0;
                    bias = edge;
                }
                for (int j = 0; j < groupSize; j++) {
                    float q = (float) Math.rint((v[j] - bias) / scale);
                    q = Math.min(Math.max(q, 0f), nBins);
                    acc |= (long) q << pending;
                    pending += bits;
                    if (pending >= 32) {
                        packed[out++] = (int) acc;
                        acc >>>= 32;
                        pending -= 32;
                    }
                }
                scales[r * groups + g] = round(scale, dtype);
                biases[r * groups + g] = round(bias, dtype);
            }
        }
        return new Quantized(rows, cols, groupSize, bits, dtype, packed, scales, biases);
    }

    private static float round(float f, DType dtype) {
        return switch (dtype) {
            case BF16 -> HalfFloat.roundToBf16(f);
            case F16 -> HalfFloat.roundToF16(f);
            default -> f;
        };
    }
}
