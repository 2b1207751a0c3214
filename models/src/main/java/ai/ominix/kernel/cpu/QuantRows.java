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
        long i = (long) r * groups;
        int es = scaleType.byteSize();
        for (int g = 0; g < groups; g++) {
            dst[off + g] = read(scales, scalesBase + (i + g) * es);
            dst[off + groups + g] = read(biases, biasesBase + (i + g) * es);
        }
    }

    private float read(MemorySegment s, long byteOff) {
        return switch (scaleType) {
            case BF16 -> Float.intBitsToFloat(s.get(Elements.I16, byteOff) << 16);
            case F16 -> Float.float16ToFloat(s.get(Elements.I16, byteOff));
            default -> s.get(Elements.F32, byteOff);
        };
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
        loadScales(r, sb, 0);
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
