package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/** Views (reshape, transpose, slice), copies (concatenate, take, repeat, astype) and the in-place slice update. */
final class ShapeOps {

    private ShapeOps() {}

    /** A contiguous tensor with {@code t}'s elements converted to {@code dtype}. */
    static CpuTensor copy(CpuTensor t, DType dtype) {
        CpuTensor out = t.backend.allocate(dtype, t.shape.clone());
        try {
            Elements.copy(t, out.segment(), out.offset, dtype);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** {@code t} itself as a new reference when contiguous, else a contiguous copy (same dtype). The caller closes it. */
    static CpuTensor contiguous(CpuTensor t) {
        return t.isContiguous() ? t.view(t.shape.clone(), t.strides.clone(), t.offset) : copy(t, t.dtype);
    }

    static CpuTensor astype(CpuTensor t, DType dtype) {
        return t.dtype == dtype ? t.view(t.shape.clone(), t.strides.clone(), t.offset) : copy(t, dtype);
    }

    static CpuTensor reshape(CpuTensor t, int[] shape) {
        int[] target = Shapes.reshape(t.shape, shape);
        long[] strides = Shapes.viewStrides(t.shape, t.strides, target);
        if (strides != null) return t.view(target, strides, t.offset);
        CpuTensor c = copy(t, t.dtype);
        try {
            return c.view(target, Shapes.contiguousStrides(target), c.offset);
        } finally {
            c.close();
        }
    }

    static CpuTensor transpose(CpuTensor t, int[] axes) {
        int rank = t.shape.length;
        if (axes.length != rank) throw new KernelException("transpose axes " + Arrays.toString(axes) + " for rank " + rank);
        boolean[] seen = new boolean[rank];
        int[] shape = new int[rank];
        long[] strides = new long[rank];
        for (int i = 0; i < rank; i++) {
            int a = Shapes.axis(axes[i], rank);
            if (seen[a]) throw new KernelException("transpose axes " + Arrays.toString(axes) + " repeat axis " + a);
            seen[a] = true;
            shape[i] = t.shape[a];
            strides[i] = t.strides[a];
        }
        return t.view(shape, strides, t.offset);
    }

    static CpuTensor slice(CpuTensor t, int axis, int start, int end) {
        int a = Shapes.axis(axis, t.shape.length);
        if (start < 0 || end < start || end > t.shape[a]) {
            throw new KernelException("slice [" + start + ", " + end + ") out of range for axis " + axis + " of " + Tensor.describe(t));
        }
        int[] shape = t.shape.clone();
        shape[a] = end - start;
        return t.view(shape, t.strides.clone(), t.offset + start * t.strides[a]);
    }

    static CpuTensor concatenate(CpuBackend be, List<CpuTensor> xs, int axis) {
        if (xs.isEmpty()) throw new KernelException("concatenate of no tensors");
        CpuTensor first = xs.get(0);
        int rank = first.shape.length;
        int a = Shapes.axis(axis, rank);
        DType dtype = first.dtype;
        int total = 0;
        for (CpuTensor x : xs) {
            if (x.shape.length != rank) throw new KernelException("concatenate: ranks differ: " + Tensor.describe(x) + " vs " + Tensor.describe(first));
            for (int i = 0; i < rank; i++) {
                if (i != a && x.shape[i] != first.shape[i]) {
                    throw new KernelException("concatenate along " + axis + ": " + Tensor.describe(x) + " vs " + Tensor.describe(first));
                }
            }
            if (x.dtype != dtype) dtype = DType.F32;
            total += x.shape[a];
        }
        int[] shape = first.shape.clone();
        shape[a] = total;
        CpuTensor out = be.allocate(dtype, shape);
        long[] outStrides = out.strides;
        long pos = 0;
        for (CpuTensor x : xs) {
            Elements.copy(x.segment(), x.dtype, x.shape, x.strides, x.offset, out.segment(), dtype, outStrides,
                    out.offset + pos * outStrides[a]);
            pos += x.shape[a];
        }
        return out;
    }

    static void sliceUpdate(CpuTensor target, CpuTensor update, int axis, int start) {
        int rank = target.shape.length;
        int a = Shapes.axis(axis, rank);
        if (update.shape.length != rank) {
            throw new KernelException("sliceUpdate: " + Tensor.describe(update) + " into " + Tensor.describe(target));
        }
        for (int i = 0; i < rank; i++) {
            if (i != a && update.shape[i] != target.shape[i]) {
                throw new KernelException("sliceUpdate: " + Tensor.describe(update) + " into " + Tensor.describe(target) + " along " + axis);
            }
        }
        if (start < 0 || start + update.shape[a] > target.shape[a]) {
            throw new KernelException("sliceUpdate at " + start + " of " + update.shape[a] + " rows overflows axis " + axis
                    + " of " + Tensor.describe(target));
        }
        CpuTensor src = update.sharesStorage(target) ? copy(update, update.dtype) : update;
        try {
            Elements.copy(src.segment(), src.dtype, src.shape, src.strides, src.offset, target.segment(), target.dtype,
                    target.strides, target.offset + start * target.strides[a]);
        } finally {
            if (src != update) src.close();
        }
    }

    static CpuTensor take(CpuBackend be, CpuTensor x, CpuTensor indices, int axis) {
        int rank = x.shape.length;
        int a = Shapes.axis(axis, rank);
        int n = x.shape[a];
        int[] ishape = indices.shape;
        int[] shape = new int[rank - 1 + ishape.length];
        System.arraycopy(x.shape, 0, shape, 0, a);
        System.arraycopy(ishape, 0, shape, a, ishape.length);
        System.arraycopy(x.shape, a + 1, shape, a + ishape.length, rank - a - 1);
        long outer = Shapes.product(x.shape, 0, a), inner = Shapes.product(x.shape, a + 1, rank);
        long count = indices.elementCount();
        long[] idx = new long[(int) count];
        try (CpuTensor ic = contiguous(indices)) {
            MemorySegment is = ic.segment();
            for (int k = 0; k < count; k++) {
                long v = indices.dtype == DType.U32 ? Integer.toUnsignedLong(Elements.readInt(is, ic.dtype, ic.offset + k))
                        : Elements.readInt(is, ic.dtype, ic.offset + k);
                if (v < 0) v += n;
                if (v < 0 || v >= n) throw new KernelException("take: index " + v + " out of range for axis " + axis + " of size " + n);
                idx[k] = v;
            }
        }
        CpuTensor out = be.allocate(x.dtype, shape);
        try (CpuTensor xc = contiguous(x)) {
            long es = x.dtype.byteSize();
            MemorySegment src = xc.segment(), dst = out.segment();
            long block = inner * es;
            for (long o = 0; o < outer; o++) {
                for (int k = 0; k < count; k++) {
                    long from = (xc.offset + (o * n + idx[k]) * inner) * es;
                    long to = (out.offset + (o * count + k) * inner) * es;
                    MemorySegment.copy(src, from, dst, to, block);
                }
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    static CpuTensor repeat(CpuBackend be, CpuTensor x, int repeats, int axis) {
        if (repeats < 0) throw new KernelException("repeat count " + repeats + " is negative");
        int rank = x.shape.length;
        int a = Shapes.axis(axis, rank);
        int[] shape = x.shape.clone();
        shape[a] = x.shape[a] * repeats;
        long outer = Shapes.product(x.shape, 0, a), inner = Shapes.product(x.shape, a + 1, rank);
        int n = x.shape[a];
        CpuTensor out = be.allocate(x.dtype, shape);
        try (CpuTensor xc = contiguous(x)) {
            long es = x.dtype.byteSize(), block = inner * es;
            MemorySegment src = xc.segment(), dst = out.segment();
            long to = out.offset * es;
            for (long o = 0; o < outer; o++) {
                for (int i = 0; i < n; i++) {
                    long from = (xc.offset + (o * n + i) * inner) * es;
                    for (int r = 0; r < repeats; r++, to += block) MemorySegment.copy(src, from, dst, to, block);
                }
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }
}
