package ai.ominix.kernel.cpu;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pure-Java backend: eager execution on off-heap f32 activations with Vector API kernels on
 * its own thread pool. Views (reshape, transpose, slice) share memory; every op result is pooled
 * native memory owned by the calling thread's {@link Scope}. Safe for concurrent use by several
 * threads (each with its own scopes); {@link #close} stops the pool and frees all native memory.
 *
 * <p>This class only checks and routes; the kernels live in one small class per concern.
 */
public final class CpuBackend implements Backend {

    /** Freed blocks kept for reuse beyond this are returned to the OS at once. */
    private static final long MAX_CACHED_BYTES = Long.getLong("ominix.cpu.poolCacheBytes", 1L << 30);

    private final KernelPool kernels;
    private final BufferPool pool;

    /** @param threads kernel threads, including the calling thread; {@code <= 0} means all cores */
    public CpuBackend(int threads) {
        int n = threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.kernels = new KernelPool(n);
        this.pool = new BufferPool(MAX_CACHED_BYTES);
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** Kernel threads (including the caller). */
    public int threads() {
        return kernels.threads();
    }

    KernelPool kernels() {
        return kernels;
    }

    BufferPool pool() {
        return pool;
    }

    /** A new contiguous, untracked tensor (contents unspecified). */
    CpuTensor allocate(DType dtype, int[] shape) {
        Shapes.checkShape(shape);
        long bytes = Math.max(1, Shapes.product(shape)) * dtype.byteSize();
        return new CpuTensor(this, dtype, shape, Shapes.contiguousStrides(shape), 0, Storage.pooled(pool, bytes));
    }

    CpuTensor cpu(Tensor t) {
        if (!(t instanceof CpuTensor c) || c.backend != this) {
            throw new KernelException("tensor " + (t == null ? "null" : Tensor.describe(t)) + " does not belong to this CPU backend");
        }
        if (c.isClosed()) throw new KernelException("tensor " + Tensor.describe(t) + " used after close");
        return c;
    }

    private CpuTensor cpuOrNull(Tensor t) {
        return t == null ? null : cpu(t);
    }

    private static Tensor track(CpuTensor t) {
        return Scope.track(t);
    }

    // ---------------------------------------------------------------- creation and host data

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        CpuTensor t = allocate(DType.F32, checkCount(data.length, shape));
        MemorySegment.copy(data, 0, t.segment(), Elements.F32, 0, data.length);
        return track(t);
    }

    @Override
    public Tensor fromArray(int[] data, int... shape) {
        CpuTensor t = allocate(DType.I32, checkCount(data.length, shape));
        MemorySegment.copy(data, 0, t.segment(), Elements.I32, 0, data.length);
        return track(t);
    }

    private static int[] checkCount(int n, int[] shape) {
        Shapes.checkShape(shape);
        if (Shapes.product(shape) != n) throw new KernelException(n + " values for shape " + Arrays.toString(shape));
        return shape.clone();
    }

    @Override
    public Tensor zeros(DType dtype, int... shape) {
        CpuTensor t = allocate(dtype, shape.clone());
        t.segment().asSlice(0, t.elementCount() * dtype.byteSize()).fill((byte) 0);
        return track(t);
    }

    @Override
    public float[] toFloatArray(Tensor x) {
        CpuTensor t = cpu(x);
        try (F32Data d = F32Data.of(t)) {
            float[] out = new float[Math.toIntExact(t.elementCount())];
            MemorySegment.copy(d.seg, Elements.F32, d.at(0), out, 0, out.length);
            return out;
        }
    }

    @Override
    public int[] toIntArray(Tensor x) {
        CpuTensor t = cpu(x);
        if (t.dtype.isFloating()) throw new KernelException("toIntArray of float tensor " + Tensor.describe(t));
        try (CpuTensor c = ShapeOps.contiguous(t)) {
            int[] out = new int[Math.toIntExact(t.elementCount())];
            MemorySegment.copy(c.segment(), Elements.I32, c.byteOffset(), out, 0, out.length);
            return out;
        }
    }

    @Override
    public Tensor astype(Tensor x, DType dtype) {
        return track(ShapeOps.astype(cpu(x), dtype));
    }

    @Override
    public Weights loadWeights(List<Path> safetensorsFiles) {
        return CpuWeights.open(this, safetensorsFiles);
    }

    // ---------------------------------------------------------------- shape ops

    @Override
    public Tensor reshape(Tensor x, int... shape) {
        return track(ShapeOps.reshape(cpu(x), shape));
    }

    @Override
    public Tensor transpose(Tensor x, int... axes) {
        return track(ShapeOps.transpose(cpu(x), axes));
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return track(ShapeOps.slice(cpu(x), axis, start, end));
    }

    @Override
    public Tensor concatenate(List<Tensor> xs, int axis) {
        List<CpuTensor> cs = new ArrayList<>(xs.size());
        for (Tensor t : xs) cs.add(cpu(t));
        return track(ShapeOps.concatenate(this, cs, axis));
    }

    @Override
    public void sliceUpdate(Tensor target, Tensor update, int axis, int start) {
        ShapeOps.sliceUpdate(cpu(target), cpu(update), axis, start);
    }

    @Override
    public Tensor take(Tensor x, Tensor indices, int axis) {
        return track(ShapeOps.take(this, cpu(x), cpu(indices), axis));
    }

    @Override
    public Tensor repeat(Tensor x, int repeats, int axis) {
        return track(ShapeOps.repeat(this, cpu(x), repeats, axis));
    }

    // ---------------------------------------------------------------- elementwise

    private Tensor binary(Elementwise.Binary op, Tensor a, Tensor b) {
        return track(Elementwise.binary(this, op, cpu(a), cpu(b)));
    }

    private Tensor unary(Elementwise.Unary op, float param, Tensor x) {
        return track(Elementwise.unary(this, op, param, cpu(x)));
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary(Elementwise.Binary.ADD, a, b);
    }

    @Override
    public Tensor subtract(Tensor a, Tensor b) {
        return binary(Elementwise.Binary.SUB, a, b);
    }

    @Override
    public Tensor multiply(Tensor a, Tensor b) {
        return binary(Elementwise.Binary.MUL, a, b);
    }

    @Override
    public Tensor divide(Tensor a, Tensor b) {
        return binary(Elementwise.Binary.DIV, a, b);
    }

    @Override
    public Tensor maximum(Tensor a, Tensor b) {
        return binary(Elementwise.Binary.MAX, a, b);
    }

    @Override
    public Tensor scale(Tensor x, float s) {
        return unary(Elementwise.Unary.SCALE, s, x);
    }

    @Override
    public Tensor addScalar(Tensor x, float s) {
        return unary(Elementwise.Unary.ADD_SCALAR, s, x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return unary(Elementwise.Unary.EXP, 0, x);
    }

    @Override
    public Tensor log(Tensor x) {
        return unary(Elementwise.Unary.LOG, 0, x);
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        return unary(Elementwise.Unary.SIGMOID, 0, x);
    }

    @Override
    public Tensor silu(Tensor x) {
        return unary(Elementwise.Unary.SILU, 0, x);
    }

    @Override
    public Tensor gelu(Tensor x) {
        return unary(Elementwise.Unary.GELU, 0, x);
    }

    // ---------------------------------------------------------------- reductions

    private Tensor reduce(Reductions.Kind kind, Tensor x, int axis, boolean keepDims) {
        return track(Reductions.reduce(this, kind, cpu(x), axis, keepDims));
    }

    @Override
    public Tensor sum(Tensor x, int axis, boolean keepDims) {
        return reduce(Reductions.Kind.SUM, x, axis, keepDims);
    }

    @Override
    public Tensor mean(Tensor x, int axis, boolean keepDims) {
        return reduce(Reductions.Kind.MEAN, x, axis, keepDims);
    }

    @Override
    public Tensor max(Tensor x, int axis, boolean keepDims) {
        return reduce(Reductions.Kind.MAX, x, axis, keepDims);
    }

    @Override
    public Tensor logsumexp(Tensor x, int axis, boolean keepDims) {
        return reduce(Reductions.Kind.LOGSUMEXP, x, axis, keepDims);
    }

    @Override
    public Tensor argmax(Tensor x, int axis) {
        return reduce(Reductions.Kind.ARGMAX, x, axis, false);
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        return track(Reductions.softmax(this, cpu(x), axis));
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        return track(Linear.matmul(this, cpu(a), cpu(b)));
    }

    @Override
    public Tensor linear(Tensor x, Tensor w, Tensor bias) {
        try (Linear.Weight lw = Linear.dense(cpu(w))) {
            return track(Linear.linear(this, cpu(x), lw.m(), cpuOrNull(bias)));
        }
    }

    @Override
    public Tensor quantizedMatmul(Tensor x, QuantizedWeight w) {
        try (Linear.Weight lw = Linear.quantized(this, w)) {
            return track(Linear.linear(this, cpu(x), lw.m(), null));
        }
    }

    @Override
    public Tensor[] quantizedMatmuls(Tensor x, QuantizedWeight... ws) {
        Linear.Weight[] lw = new Linear.Weight[ws.length];
        try {
            RowMatrix[] ms = new RowMatrix[ws.length];
            for (int i = 0; i < ws.length; i++) {
                lw[i] = Linear.quantized(this, ws[i]);
                ms[i] = lw[i].m();
            }
            CpuTensor[] out = Linear.linearMany(this, cpu(x), ms);
            Tensor[] tracked = new Tensor[out.length];
            for (int i = 0; i < out.length; i++) tracked[i] = track(out[i]);
            return tracked;
        } finally {
            for (Linear.Weight w : lw) if (w != null) w.close();
        }
    }

    @Override
    public Tensor dequantize(QuantizedWeight w) {
        return track(Linear.dequantize(this, w));
    }

    // ---------------------------------------------------------------- fast nn ops

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return track(Norms.rmsNorm(this, cpu(x), cpuOrNull(weight), eps));
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return track(Norms.layerNorm(this, cpu(x), cpuOrNull(weight), cpuOrNull(bias), eps));
    }

    @Override
    public Tensor rope(Tensor x, int dims, boolean traditional, float base, float scale, int offset) {
        return track(Rope.rope(this, cpu(x), dims, traditional, base, scale, offset));
    }

    @Override
    public Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, float scale, AttentionMask mask) {
        return track(Attention.sdpa(this, cpu(q), cpu(k), cpu(v), scale, mask));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW) {
        return track(Conv.conv2d(this, cpu(x), cpu(w), cpuOrNull(bias), strideH, strideW, padH, padW));
    }

    @Override
    public Tensor conv1d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return track(Conv.conv1d(this, cpu(x), cpu(w), cpuOrNull(bias), stride, padding));
    }

    // ---------------------------------------------------------------- evaluation

    /** Eager backend: every op has already run. */
    @Override
    public void eval(Tensor... xs) {
        for (Tensor t : xs) cpu(t);
    }

    /** Native bytes held by live tensors / the most ever held / freed blocks kept for reuse. */
    @Override
    public MemoryStats memoryStats() {
        return new MemoryStats(pool.liveBytes(), pool.peakBytes(), pool.cachedBytes());
    }

    /** Live native allocations (op results not yet closed), for leak checks. */
    public int liveAllocations() {
        return pool.liveBlocks();
    }

    @Override
    public void close() {
        kernels.close();
        pool.close();
    }
}
