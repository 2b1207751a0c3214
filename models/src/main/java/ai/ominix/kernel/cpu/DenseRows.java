package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Unquantized weights as stored: f32, bf16 or f16 rows. bf16 widens in registers (16-bit shift
 * into the high half of an int lane); f16 has no vector conversion in the Vector API, so a row is
 * widened once into a scratch buffer and then dotted.
 */
final class DenseRows extends RowMatrix {

    private final MemorySegment seg;
    private final long base;
    private final DType dtype;
    private final long rowBytes;

    /** {@code seg} holds {@code rows × cols} contiguous elements of {@code dtype} from byte {@code base}. */
    DenseRows(MemorySegment seg, long base, DType dtype, int rows, int cols) {
        this(seg, base, (long) cols * dtype.byteSize(), dtype, rows, cols);
    }

    /** Rows of {@code cols} contiguous elements, {@code rowBytes} apart (e.g. the keys of one head in a KV cache). */
    DenseRows(MemorySegment seg, long base, long rowBytes, DType dtype, int rows, int cols) {
        super(rows, cols);
        this.seg = seg;
        this.base = base;
        this.rowBytes = rowBytes;
        this.dtype = dtype;
    }

    /** Four rows per pass so that each chunk of x is loaded once for four rows; a remainder repeats a row. */
    @Override
    void matvec(float[] x, MemorySegment y, long yByte, int r0, int r1) {
        if (dtype == DType.F16) {
            float[] row = Scratch.ROW.get(cols);
            for (int r = r0; r < r1; r++) {
                decodeRow(r, 0, cols, row, 0);
                y.set(Elements.F32, yByte + 4L * r, Vec.dot(x, 0, row, 0, cols));
            }
            return;
        }
        boolean bf16 = dtype == DType.BF16;
        int es = dtype.byteSize();
        int q = (r1 - r0 + 3) / 4; // four long row streams, not four adjacent short rows (see LaneRows)
        for (int p = 0; p < q; p++) {
            int ra = r0 + p, rb = Math.min(r0 + q + p, r1 - 1), rc = Math.min(r0 + 2 * q + p, r1 - 1), rd = Math.min(r0 + 3 * q + p, r1 - 1);
            long oa = base + ra * rowBytes, ob = base + rb * rowBytes, oc = base + rc * rowBytes, od = base + rd * rowBytes;
            FloatVector aa = FloatVector.zero(Vec.F), ab = aa, ac = aa, ad = aa;
            int i = 0;
            for (; i <= cols - Vec.L; i += Vec.L) {
                FloatVector xv = FloatVector.fromArray(Vec.F, x, i);
                long at = (long) i * es;
                aa = (bf16 ? widen(oa + at) : Vec.load(seg, oa + at)).fma(xv, aa);
                ab = (bf16 ? widen(ob + at) : Vec.load(seg, ob + at)).fma(xv, ab);
                ac = (bf16 ? widen(oc + at) : Vec.load(seg, oc + at)).fma(xv, ac);
                ad = (bf16 ? widen(od + at) : Vec.load(seg, od + at)).fma(xv, ad);
            }
            float sa = Lanes.sum(aa), sb = Lanes.sum(ab);
            float sc = Lanes.sum(ac), sd = Lanes.sum(ad);
            for (; i < cols; i++) {
                sa += x[i] * scalar(oa, i);
                sb += x[i] * scalar(ob, i);
                sc += x[i] * scalar(oc, i);
                sd += x[i] * scalar(od, i);
            }
            y.set(Elements.F32, yByte + 4L * ra, sa);
            y.set(Elements.F32, yByte + 4L * rb, sb);
            y.set(Elements.F32, yByte + 4L * rc, sc);
            y.set(Elements.F32, yByte + 4L * rd, sd);
        }
    }

    private float scalar(long rowOff, int i) {
        return dtype == DType.BF16 ? Float.intBitsToFloat(seg.get(Elements.I16, rowOff + 2L * i) << 16)
                : seg.get(Elements.F32, rowOff + 4L * i);
    }

    private FloatVector widen(long byteOff) {
        return Vec.bf16(seg, byteOff);
    }

    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        long start = base + r * rowBytes + (long) k0 * dtype.byteSize();
        switch (dtype) {
            case F32 -> Vec.toArray(seg, start, dst, off, n);
            case BF16 -> {
                int i = 0;
                for (; i <= n - Vec.L; i += Vec.L) widen(start + 2L * i).intoArray(dst, off + i);
                for (; i < n; i++) dst[off + i] = Float.intBitsToFloat(seg.get(Elements.I16, start + 2L * i) << 16);
            }
            default -> {
                for (int i = 0; i < n; i++) dst[off + i] = Float.float16ToFloat(seg.get(Elements.I16, start + 2L * i));
            }
        }
    }
}
