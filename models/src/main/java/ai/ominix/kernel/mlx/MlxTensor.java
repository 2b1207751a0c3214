package ai.ominix.kernel.mlx;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import ai.ominix.mlx.MlxArray;
import ai.ominix.mlx.MlxDType;

/**
 * A kernel tensor backed by one MLX array handle, which it owns. Shape and dtype are fixed for the
 * tensor's life (an in-place {@link Backend#sliceUpdate} replaces the contents behind the handle,
 * never the shape), so they are cached instead of asking MLX on every call.
 */
final class MlxTensor implements Tensor {

    private final MlxBackend backend;
    private final MlxArray array;
    private final DType dtype;
    private final int[] shape;
    /** For integer tensors made from host data: the smallest and largest value (lets take() check indices without a sync). */
    private int knownMin = 1;
    private int knownMax = 0;

    MlxTensor(MlxBackend backend, MlxArray array) {
        this.backend = backend;
        this.array = array;
        this.shape = array.shape();
        MlxDType t = array.dtype();
        this.dtype = kernelType(t);
        if (dtype == null) {
            array.close();
            throw new KernelException("MLX produced a " + t + " array, which the kernel interface has no type for");
        }
    }

    MlxArray array() {
        if (array.isClosed()) throw new KernelException("tensor " + Tensor.describe(this) + " used after close");
        return array;
    }

    /** Records the value range of host data this tensor was made from. */
    MlxTensor withKnownRange(int[] values) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        knownMin = lo;
        knownMax = hi;
        return this;
    }

    boolean hasKnownRange() {
        return knownMin <= knownMax;
    }

    int knownMin() {
        return knownMin;
    }

    int knownMax() {
        return knownMax;
    }

    static DType kernelType(MlxDType t) {
        return switch (t) {
            case FLOAT32 -> DType.F32;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            case UINT32 -> DType.U32;
            case INT32 -> DType.I32;
            default -> null;
        };
    }

    static MlxDType mlxType(DType t) {
        return switch (t) {
            case F32 -> MlxDType.FLOAT32;
            case F16 -> MlxDType.FLOAT16;
            case BF16 -> MlxDType.BFLOAT16;
            case U32 -> MlxDType.UINT32;
            case I32 -> MlxDType.INT32;
        };
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
    public Backend backend() {
        return backend;
    }

    @Override
    public void close() {
        array.close();
    }

    @Override
    public boolean isClosed() {
        return array.isClosed();
    }

    @Override
    public String toString() {
        return "MlxTensor" + Tensor.describe(this);
    }
}
