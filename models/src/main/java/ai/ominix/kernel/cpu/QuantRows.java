package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;

/**
 * MLX affine-quantized rows as stored: row {@code r} is a little-endian bit stream of
 * {@code cols·bits/8} bytes (value e at bits {@code e·bits ..}), and
 * {@code W[r, c] = scale[r, c/g]·q + bias[r, c/g]}. This class is the generic path for any bit
 * width (2, 3, 5, 6 bits, values may straddle words); {@link Q8Rows} and {@link Q4Rows} read the
 * two common widths with vector code.
 */
class QuantRows extends RowMatrix {

    final MemorySegment packed;
    final long packedBase;
    final long rowBytes;
    final int bits;
    final int group;
    final int groups;
    private final MemorySegment scales, biases;
    private final long scalesBase, biasesBase;
    private final DType scaleType;

    QuantRows(MemorySegment packed, long packedBase, MemorySegment scales, long scalesBase, MemorySegment biases,
              long biasesBase, DType scaleType, int rows, int cols, int bits, int group) {
        super(rows, cols);
        this.packed = packed;
        this.packedBase = packedBase;
        this.rowBytes = (long) cols * bits / 8;
        this.bits = bits;
        this.group = group;
        this.groups = cols / group;
        this.scales = scales;
        this.biases = biases;
        this.scalesBase = scalesBase;
        this.biasesBase = biasesBase;
        this.scaleType = scaleType;
    }

    /** Scales of row {@code r} to {@code dst[off, off+groups)}, biases to {@code dst[off+groups, off+2·groups)}. */
    final void loadScales(int r, float[] dst, int off) {
        loadScales(r, 0, groups, dst, off);
    }

    /** Like {@link #loadScales(int, float[], int)} for groups {@code [g0, g1)} only (same positions in {@code dst}). */
    final void loadScales(int r, int g0, int g1, float[] dst, int off) {
        long row = (long) r * groups * scaleType.byteSize();
        widen(scales, scalesBase + row, g0, g1, dst, off);
        widen(biases, biasesBase + row, g0, g1, dst, off + groups);
    }

    /** Elements {@code [g0, g1)} of a row of scales or biases as f32 (one dtype switch per row, not per value). */
    private void widen(MemorySegment s, long rowBase, int g0, int g1, float[] dst, int off) {
        switch (scaleType) {
            case BF16 -> {
                int g = g0;
                for (; g <= g1 - Vec.L; g += Vec.L) Vec.bf16(s, rowBase + 2L * g).intoArray(dst, off + g);
                for (; g < g1; g++) dst[off + g] = Float.intBitsToFloat(s.get(Elements.I16, rowBase + 2L * g) << 16);
            }
            case F16 -> {
                for (int g = g0; g < g1; g++) dst[off + g] = Float.float16ToFloat(s.get(Elements.I16, rowBase + 2L * g));
            }
            default -> MemorySegment.copy(s, Elements.F32, rowBase + 4L * g0, dst, off + g0, g1 - g0);
        }
    }

    /**
     * The matvec driver of the vector formats: four rows per pass, so each activation chunk is
     * loaded once for four weight rows (with a long input row x no longer fits in L1, and reloading
     * it per row would cost more than the weights); a remainder of fewer than four rows repeats its
     * last row. The vector loop is {@link #rows4}, a separate small method: C2 stops inlining in a
     * method that grows too large, and a vector op left as a call boxes its operands.
     */
    /** Rows whose scales and biases are widened together (they are contiguous in memory: one long vector run). */
    private static final int SCALE_BLOCK = 32;

    final void matvecFourRows(float[] px, MemorySegment y, long yByte, int r0, int r1) {
        float[] sb = Scratch.SCALES.get(2 * SCALE_BLOCK * groups + 4);
        int out = 2 * SCALE_BLOCK * groups;
        for (int b0 = r0; b0 < r1; b0 += SCALE_BLOCK) {
            int b1 = Math.min(r1, b0 + SCALE_BLOCK), n = (b1 - b0) * groups;
            long first = (long) b0 * groups * scaleType.byteSize();
            widen(scales, scalesBase + first, 0, n, sb, 0);
            widen(biases, biasesBase + first, 0, n, sb, SCALE_BLOCK * groups);
            for (int r = b0; r < b1; r += 4) {
                int ra = r, rb = Math.min(r + 1, b1 - 1), rc = Math.min(r + 2, b1 - 1), rd = Math.min(r + 3, b1 - 1);
                rows4(px, sb, (ra - b0) * groups, (rb - b0) * groups, (rc - b0) * groups, (rd - b0) * groups,
                        SCALE_BLOCK * groups, packedBase + ra * rowBytes, packedBase + rb * rowBytes,
                        packedBase + rc * rowBytes, packedBase + rd * rowBytes);
                y.set(Elements.F32, yByte + 4L * ra, sb[out]);
                y.set(Elements.F32, yByte + 4L * rb, sb[out + 1]);
                y.set(Elements.F32, yByte + 4L * rc, sb[out + 2]);
                y.set(Elements.F32, yByte + 4L * rd, sb[out + 3]);
            }
        }
    }

    /**
     * Dot products of the prepared x with the four rows starting at bytes {@code wa..wd}, written to
     * {@code sb[2·biases + 0..3]}. A row's scales are {@code sb[s + g]} and its biases
     * {@code sb[biases + s + g]} ({@code s} = sa, sbb, sc or sd). Implemented by the vector formats
     * as one flat counted loop over the row with the group epilogue (scale, bias term) inside every
     * {@code group} values: measured 1.6× faster than a group loop around an inner chunk loop, which
     * C2 optimizes less well.
     */
    void rows4(float[] px, float[] sb, int sa, int sbb, int sc, int sd, int biases, long wa, long wb, long wc, long wd) {
        throw new UnsupportedOperationException("no four-row kernel for " + bits + "-bit rows");
    }

    @Override
    void matvec(float[] x, MemorySegment y, long yByte, int r0, int r1) {
        float[] row = Scratch.ROW.get(cols);
        for (int r = r0; r < r1; r++) {
            decodeRow(r, 0, cols, row, 0);
            y.set(Elements.F32, yByte + 4L * r, Vec.dot(x, 0, row, 0, cols));
        }
    }

    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        float[] sb = Scratch.SCALES.get(2 * groups);
        loadScales(r, k0 / group, (k0 + n + group - 1) / group, sb, 0);
        long rowStart = packedBase + r * rowBytes;
        int mask = (1 << bits) - 1;
        for (int i = 0; i < n; i++) {
            int e = k0 + i;
            long bit = (long) e * bits;
            long at = rowStart + (bit >>> 3);
            // a value spans at most two bytes for bits <= 8; read them without running past the row
            int lo = packed.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at) & 0xFF;
            int shift = (int) (bit & 7);
            int v = lo >>> shift;
            if (shift + bits > 8) v |= (packed.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 1) & 0xFF) << (8 - shift);
            int g = e / group;
            dst[off + i] = sb[g] * (v & mask) + sb[groups + g];
        }
    }
}
