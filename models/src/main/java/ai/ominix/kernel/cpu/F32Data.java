package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;

/**
 * The elements of a tensor as contiguous row-major f32: the tensor's own memory when it already is
 * (no copy), otherwise a converted copy in a pooled block that {@link #close} gives back.
 */
final class F32Data implements AutoCloseable {

    final MemorySegment seg;
    /** Element index of element 0 inside {@link #seg}. */
    final long base;
    private final Storage temp;

    private F32Data(MemorySegment seg, long base, Storage temp) {
        this.seg = seg;
        this.base = base;
        this.temp = temp;
    }

    static F32Data of(CpuTensor t) {
        if (t.dtype == DType.F32 && t.isContiguous()) return new F32Data(t.segment(), t.offset, null);
        Storage s = Storage.pooled(t.backend.pool(), Math.max(4, t.elementCount() * 4));
        try {
            Elements.copy(t, s.segment, 0, DType.F32);
        } catch (RuntimeException e) {
            s.release();
            throw e;
        }
        return new F32Data(s.segment, 0, s);
    }

    float get(long i) {
        return seg.getAtIndex(Elements.F32, base + i);
    }

    /** Byte offset of element {@code i}. */
    long at(long i) {
        return (base + i) * 4;
    }

    @Override
    public void close() {
        if (temp != null) temp.release();
    }
}
