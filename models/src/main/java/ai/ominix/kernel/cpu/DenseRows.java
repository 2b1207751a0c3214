package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unquantized weights as stored: f32, bf16 or f16 rows. bf16 widens in registers (16-bit shift
 * into the high half of an int lane); f16 has no vector conversion in the Vector API, so a row is
 * widened once into a scratch buffer and then dotted.
 */
final class DenseRows extends RowMatrix {

    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Vec.L * 16));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, Vec.F.vectorShape());

    private final MemorySegment seg;
    private final long base;
    private final DType dtype;

    /** {@code seg} holds {@code rows × cols} contiguous elements of {@code dtype} from byte {@code base}. */
    DenseRows(MemorySegment seg, long base, DType dtype, int rows, int cols) {
        super(rows, cols);
        this.seg = seg;
        this.base = base;
        this.dtype = dtype;
    }

    @Override
    void matvec(float[] x, MemorySegment y, long yByte, int r0, int r1) {
        long rowBytes = (long) cols * dtype.byteSize();
        for (int r = r0; r < r1; r++) {
            long off = base + r * rowBytes;
            float v = switch (dtype) {
                case F32 -> Vec.dot(x, 0, seg, off, cols);
                case BF16 -> dotBf16(x, off);
                default -> {
                    float[] row = Scratch.ROW.get(cols);
                    decodeRow(r, 0, cols, row, 0);
                    yield Vec.dot(x, 0, row, 0, cols);
                }
            };
            y.set(Elements.F32, yByte + 4L * r, v);
        }
    }

    private float dotBf16(float[] x, long off) {
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = FloatVector.zero(Vec.F);
        int n = cols, i = 0, l = Vec.L;
        for (; i <= n - 2 * l; i += 2 * l) {
            acc0 = widen(off + 2L * i).fma(FloatVector.fromArray(Vec.F, x, i), acc0);
            acc1 = widen(off + 2L * (i + l)).fma(FloatVector.fromArray(Vec.F, x, i + l), acc1);
        }
        for (; i <= n - l; i += l) acc0 = widen(off + 2L * i).fma(FloatVector.fromArray(Vec.F, x, i), acc0);
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[i] * Float.intBitsToFloat(seg.get(Elements.I16, off + 2L * i) << 16);
        return s;
    }

    /** L bf16 values → L floats: sign-extend to int, shift into the high half (the extension bits fall off). */
    private FloatVector widen(long byteOff) {
        ShortVector s = ShortVector.fromMemorySegment(S, seg, byteOff, Vec.LE);
        return ((IntVector) s.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        long start = base + ((long) r * cols + k0) * dtype.byteSize();
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
