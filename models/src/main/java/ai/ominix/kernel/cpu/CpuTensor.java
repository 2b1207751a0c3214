package ai.ominix.kernel.cpu;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A strided view over {@link Storage}: element {@code (i0, i1, ...)} lives at element offset
 * {@code offset + Σ i_k·strides[k]} of the storage segment. Op results are contiguous; slice,
 * transpose and reshape return views sharing the storage.
 */
final class CpuTensor implements Tensor {

    final CpuBackend backend;
    final DType dtype;
    final int[] shape;
    final long[] strides;
    final long offset;
    private final Storage storage;
    private final AtomicBoolean closed = new AtomicBoolean();

    CpuTensor(CpuBackend backend, DType dtype, int[] shape, long[] strides, long offset, Storage storage) {
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.storage = storage;
    }

    /** A new view over the same storage (takes a reference). */
    CpuTensor view(int[] newShape, long[] newStrides, long newOffset) {
        return new CpuTensor(backend, dtype, newShape, newStrides, newOffset, storage.retain());
    }

    boolean sharesStorage(CpuTensor other) {
        return storage == other.storage;
    }

    /** The segment holding the elements; throws once the tensor is closed. */
    MemorySegment segment() {
        if (closed.get()) throw new KernelException("tensor " + Tensor.describe(this) + " used after close");
        return storage.segment;
    }

    long byteOffset() {
        return offset * dtype.byteSize();
    }

    long elementCount() {
        return Shapes.product(shape);
    }

    boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int rank() {
        return shape.length;
    }

    @Override
    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) storage.release();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "CpuTensor" + Tensor.describe(this);
    }
}
