package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;

/**
 * MLX affine-quantized rows as stored: row {@code r} is a little-endian bit stream of
 * {@code cols·bits/8} bytes (value e at bits {@code e·bits ..}), and
 * {@code W[r, c] = scale[r, c/g]·q + bias[r, c/g]}. This class is the generic path for any bit
 * width (2, 3, 5, 6 bits, values may straddle words); {@link LaneRows} reads the two common widths
 * with vector code.
 */
class QuantRows extends RowMatrix {

    final MemorySegment packed;
    final long packedBase;
    final long rowBytes;
    final int bits;
    final int group;
    final int groups;
    final MemorySegment scales, biases;
    final long scalesBase, biasesBase;
    final DType scaleType;

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
    final void widen(MemorySegment s, long rowBase, int g0, int g1, float[] dst, int off) {
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
