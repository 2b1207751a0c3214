package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import ai.ominix.weights.HalfFloat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Element access for every dtype (little-endian, unaligned: mapped checkpoints need not align
 * tensors) and the strided, converting copy that turns any view into a contiguous array.
 */
final class Elements {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Elements() {}

    /** Element {@code i} (in elements, not bytes) of {@code s} as f32. */
    static float read(MemorySegment s, DType t, long i) {
        return switch (t) {
            case F32 -> s.getAtIndex(F32, i);
            case BF16 -> HalfFloat.bf16ToFloat(s.getAtIndex(I16, i));
            case F16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
            case I32 -> s.getAtIndex(I32, i);
            case U32 -> (float) (s.getAtIndex(I32, i) & 0xFFFF_FFFFL);
        };
    }

    static int readInt(MemorySegment s, DType t, long i) {
        return switch (t) {
            case I32, U32 -> s.getAtIndex(I32, i);
            default -> (int) read(s, t, i);
        };
    }

    /** Stores {@code v} converted to {@code t} (round to nearest even for 16-bit floats, truncation for integers). */
    static void write(MemorySegment s, DType t, long i, float v) {
        switch (t) {
            case F32 -> s.setAtIndex(F32, i, v);
            case BF16 -> s.setAtIndex(I16, i, HalfFloat.floatToBf16(v));
            case F16 -> s.setAtIndex(I16, i, Float.floatToFloat16(v));
            case I32 -> s.setAtIndex(I32, i, (int) v);
            case U32 -> s.setAtIndex(I32, i, (int) (long) v);
        }
    }

    /**
     * Copies {@code src} in row-major order to contiguous {@code dst} starting at element
     * {@code dstOff}, converting to {@code dstType}.
     */
    static void copy(CpuTensor src, MemorySegment dst, long dstOff, DType dstType) {
        copy(src.segment(), src.dtype, src.shape, src.strides, src.offset,
                dst, dstType, Shapes.contiguousStrides(src.shape), dstOff);
    }

    /** Copies {@code src} into the strided region {@code (dstStrides, dstOff)} of {@code dst} (same shape), converting. */
    static void copy(MemorySegment s, DType st, int[] shape, long[] strides, long off,
                     MemorySegment dst, DType dt, long[] dstStrides, long dstOff) {
        int rank = shape.length;
        long count = Shapes.product(shape);
        if (count == 0) return;
        if (rank == 0) {
            copyRow(s, st, off, 1, dst, dstOff, 1, dt, 1);
            return;
        }
        int inner = shape[rank - 1];
        long innerStride = strides[rank - 1], dstInner = dstStrides[rank - 1];
        int[] idx = new int[rank];
        long rows = count / inner;
        long src = off, out = dstOff;
        for (long r = 0; r < rows; r++) {
            copyRow(s, st, src, innerStride, dst, out, dstInner, dt, inner);
            for (int d = rank - 2; d >= 0; d--) { // next row index over dims 0..rank-2
                idx[d]++;
                src += strides[d];
                out += dstStrides[d];
                if (idx[d] < shape[d]) break;
                src -= strides[d] * shape[d];
                out -= dstStrides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    private static void copyRow(MemorySegment s, DType st, long src, long stride,
                                MemorySegment dst, long out, long dstride, DType dt, int n) {
        if (st == dt && stride == 1 && dstride == 1) {
            MemorySegment.copy(s, src * st.byteSize(), dst, out * dt.byteSize(), (long) n * st.byteSize());
        } else if (st.byteSize() == 4 && dt.byteSize() == 4 && (st == dt || !dt.isFloating() && !st.isFloating())) {
            for (int j = 0; j < n; j++) dst.setAtIndex(I32, out + j * dstride, s.getAtIndex(I32, src + j * stride));
        } else if (st == dt) {
            for (int j = 0; j < n; j++) dst.setAtIndex(I16, out + j * dstride, s.getAtIndex(I16, src + j * stride));
        } else if (dt == DType.F32 && st == DType.BF16) {
            for (int j = 0; j < n; j++) {
                dst.setAtIndex(F32, out + j * dstride, HalfFloat.bf16ToFloat(s.getAtIndex(I16, src + j * stride)));
            }
        } else {
            for (int j = 0; j < n; j++) write(dst, dt, out + j * dstride, read(s, st, src + j * stride));
        }
    }
}
