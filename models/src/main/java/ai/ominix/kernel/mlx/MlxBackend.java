package ai.ominix.kernel.mlx;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.mlx.MlxArray;
import ai.ominix.mlx.MlxDType;
import ai.ominix.mlx.MlxDevice;
import ai.ominix.mlx.MlxException;
import ai.ominix.mlx.MlxLibrary;
import ai.ominix.mlx.MlxMemory;
import ai.ominix.mlx.MlxOps;
import ai.ominix.mlx.MlxStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The kernel interface on MLX through mlx-c: each op is one MLX op recorded lazily on the
 * backend's stream (GPU when this MLX build has one: Metal or CUDA; else the CPU), and nothing
 * runs until {@link #eval} or a host read, so a decode step is one graph evaluated once.
 *
 * <p>Float inputs stored in f16/bf16 are converted to f32 before an op (the interface computes
 * in at least f32, and MLX's x86 CPU kernels are slow and inexact with half-precision
 * activations); quantized weights stay packed and go to {@code quantized_matmul} as stored.
 *
 * <p>Evaluation is serialized process-wide: MLX does not support evaluating graphs from several
 * threads at once. Building graphs is not serialized.
 */
public final class MlxBackend implements Backend {

    private static final ReentrantLock EVAL = new ReentrantLock();

    private final MlxDevice device;
    private final MlxStream stream;
    private final MlxOps ops;
    private final MlxCalls c;
    private final MlxNn nn;

    private MlxBackend(MlxDevice device) {
        this.device = device;
        this.stream = MlxStream.defaultFor(device);
        this.ops = new MlxOps(stream);
        this.c = new MlxCalls(this, ops);
        this.nn = new MlxNn(c, ops, device);
    }

    /**
     * Opens MLX on the best device the library reports and checks that it computes (a small matmul
     * evaluated and read back), so that a broken installation fails here and not in a request.
     *
     * @throws KernelException saying why MLX cannot be used: for a missing library, where it was
     *         looked for and how to build it
     */
    public static MlxBackend open() {
        MlxBackend b;
        try {
            MlxLibrary.require();
            b = new MlxBackend(MlxDevice.best());
        } catch (MlxException e) {
            throw new KernelException("the MLX backend is unavailable: " + e.getMessage(), e);
        }
        try {
            b.selfCheck();
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw new KernelException("MLX loaded from " + MlxLibrary.path() + " but does not compute correctly: "
                    + e.getMessage(), e);
        }
    }

    private void selfCheck() {
        try (Scope s = Scope.open()) {
            Tensor a = fromArray(new float[] {1, 2, 3, 4}, 2, 2);
            float[] got = toFloatArray(matmul(a, a));
            float[] want = {7, 10, 15, 22};
            if (!Arrays.equals(got, want)) {
                throw new KernelException("[[1,2],[3,4]]² gave " + Arrays.toString(got) + ", expected " + Arrays.toString(want));
            }
        }
    }

    @Override
    public String name() {
        return "mlx-" + device.type().name().toLowerCase();
    }

    /** A one-line description for logs and /health: device and MLX version. */
    public String describe() {
        return name() + " (MLX " + MlxLibrary.mlxVersion() + " via " + MlxLibrary.path() + ")";
    }

    private static int axis(Tensor x, int axis) {
        int r = x.rank();
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) throw new KernelException("axis " + axis + " out of range for " + Tensor.describe(x));
        return a;
    }

    private static int product(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new KernelException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new KernelException("shape " + Arrays.toString(shape) + " is too large");
        return (int) n;
    }

    // ---------------------------------------------------------------- creation and host data

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        if (data.length != product(shape)) {
            throw new KernelException(data.length + " values for shape " + Arrays.toString(shape));
        }
        return c.op(() -> MlxArray.copyOf(MemorySegment.ofArray(data), MlxDType.FLOAT32, shape));
    }

    @Override
    public Tensor fromArray(int[] data, int... shape) {
        if (data.length != product(shape)) {
            throw new KernelException(data.length + " values for shape " + Arrays.toString(shape));
        }
        MlxArray a = c.run(() -> MlxArray.copyOf(MemorySegment.ofArray(data), MlxDType.INT32, shape));
        return Scope.track(new MlxTensor(this, a).withKnownRange(data));
    }

    @Override
    public Tensor zeros(DType dtype, int... shape) {
        product(shape);
        return c.op(() -> ops.zeros(MlxTensor.mlxType(dtype), shape));
    }

    @Override
    public float[] toFloatArray(Tensor x) {
        MlxArray a = c.arr(x);
        EVAL.lock();
        try {
            return c.run(() -> ops.toFloats(a));
        } finally {
            EVAL.unlock();
        }
    }

    @Override
    public int[] toIntArray(Tensor x) {
        if (x.dtype() != DType.I32 && x.dtype() != DType.U32) {
            throw new KernelException("toIntArray needs an I32/U32 tensor, got " + Tensor.describe(x));
        }
        MlxArray a = c.arr(x);
        EVAL.lock();
        try {
            return c.run(() -> ops.toInts(a));
        } finally {
            EVAL.unlock();
        }
    }

    @Override
    public Tensor astype(Tensor x, DType dtype) {
        return c.op(() -> ops.astype(c.arr(x), MlxTensor.mlxType(dtype)));
    }

    @Override
    public Weights loadWeights(List<Path> safetensorsFiles) {
        return MlxWeights.load(this, stream, safetensorsFiles);
    }

    /** Wraps an array MLX loaded as a weight (owned by the weights, not by any scope). */
    Tensor wrapWeight(MlxArray a) {
        return new MlxTensor(this, a);
    }

    // ---------------------------------------------------------------- shape ops

    @Override
    public Tensor reshape(Tensor x, int... shape) {
        return c.op(() -> ops.reshape(c.arr(x), shape));
    }

    @Override
    public Tensor transpose(Tensor x, int... axes) {
        return c.op(() -> ops.transpose(c.arr(x), axes));
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        int a = axis(x, axis);
        if (start < 0 || start > end || end > x.dim(a)) {
            throw new KernelException("slice [" + start + ", " + end + ") of axis " + axis + " of " + Tensor.describe(x));
        }
        int[] lo = new int[x.rank()];
        int[] hi = x.shape();
        int[] step = new int[x.rank()];
        Arrays.fill(step, 1);
        lo[a] = start;
        hi[a] = end;
        return c.op(() -> ops.slice(c.arr(x), lo, hi, step));
    }

    @Override
    public Tensor concatenate(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) throw new KernelException("concatenate of no tensors");
        List<MlxArray> arrays = new ArrayList<>(xs.size());
        for (Tensor t : xs) arrays.add(c.arr(t));
        return c.op(() -> ops.concatenate(arrays, axis));
    }

    @Override
    public void sliceUpdate(Tensor target, Tensor update, int axis, int start) {
        int a = axis(target, axis);
        int[] t = target.shape();
        int[] u = update.shape();
        boolean fits = t.length == u.length && start >= 0 && start + u[a] <= t[a];
        for (int i = 0; fits && i < t.length; i++) fits = i == a || t[i] == u[i];
        if (!fits) {
            throw new KernelException("cannot write " + Tensor.describe(update) + " into " + Tensor.describe(target)
                    + " at " + start + " along axis " + axis);
        }
        int[] lo = new int[t.length];
        int[] hi = t.clone();
        int[] step = new int[t.length];
        Arrays.fill(step, 1);
        lo[a] = start;
        hi[a] = start + u[a];
        c.run(() -> {
            ops.sliceUpdateInPlace(c.arr(target), c.arr(update), lo, hi, step);
            return null;
        });
    }

    /**
     * MLX wraps negative indices once (as NumPy) but does not check the range, so it is checked
     * here: from the host data an index tensor was made from, else by reading the indices (a sync).
     */
    @Override
    public Tensor take(Tensor x, Tensor indices, int axis) {
        int n = x.dim(axis(x, axis));
        if (indices.dtype() != DType.I32 && indices.dtype() != DType.U32) {
            throw new KernelException("take needs I32/U32 indices, got " + Tensor.describe(indices));
        }
        int lo;
        int hi;
        if (indices instanceof MlxTensor m && m.hasKnownRange()) {
            lo = m.knownMin();
            hi = m.knownMax();
        } else {
            int[] values = toIntArray(indices);
            lo = indices.dtype() == DType.U32 ? 0 : Arrays.stream(values).min().orElse(0);
            hi = Arrays.stream(values).map(v -> indices.dtype() == DType.U32 && v < 0 ? Integer.MAX_VALUE : v)
                    .max().orElse(-1);
        }
        if (indices.size() > 0 && (lo < -n || hi >= n)) {
            throw new KernelException("take index out of range [" + -n + ", " + n + ") along axis " + axis + " of "
                    + Tensor.describe(x) + ": indices span [" + lo + ", " + hi + "]");
        }
        return c.op(() -> ops.take(c.arr(x), c.arr(indices), axis));
    }

    @Override
    public Tensor repeat(Tensor x, int repeats, int axis) {
        return c.op(() -> ops.repeat(c.arr(x), repeats, axis));
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return c.binary(a, b, ops::add);
    }

    @Override
    public Tensor subtract(Tensor a, Tensor b) {
        return c.binary(a, b, ops::subtract);
    }

    @Override
    public Tensor multiply(Tensor a, Tensor b) {
        return c.binary(a, b, ops::multiply);
    }

    @Override
    public Tensor divide(Tensor a, Tensor b) {
        return c.binary(a, b, ops::divide);
    }

    @Override
    public Tensor scale(Tensor x, float s) {
        return c.unary(x, a -> {
            try (MlxArray k = MlxArray.scalar(s)) {
                return ops.multiply(a, k);
            }
        });
    }

    @Override
    public Tensor addScalar(Tensor x, float s) {
        return c.unary(x, a -> {
            try (MlxArray k = MlxArray.scalar(s)) {
                return ops.add(a, k);
            }
        });
    }

    @Override
    public Tensor exp(Tensor x) {
        return c.unary(x, ops::exp);
    }

    @Override
    public Tensor log(Tensor x) {
        return c.unary(x, ops::log);
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        return c.unary(x, ops::sigmoid);
    }

    @Override
    public Tensor silu(Tensor x) {
        return c.unary(x, a -> {
            try (MlxArray s = ops.sigmoid(a)) {
                return ops.multiply(a, s);
            }
        });
    }

    /**
     * Exact GELU as MLX's {@code nn.gelu} (and PyTorch) computes it, {@code x·(1 + erf(x/√2))/2} in
     * f32. In the negative tail the sum {@code 1 + erf} is small, so its f32 rounding costs up to
     * about |x|·2⁻²² absolute: immaterial to a model, and five ops instead of the ~35 an erfc
     * formulation needs (which made GELU cost as much as the encoder's matmuls on MLX's CPU).
     */
    @Override
    public Tensor gelu(Tensor x) {
        return c.unary(x, a -> {
            try (MlxArray invSqrt2 = MlxArray.scalar((float) (1 / Math.sqrt(2)));
                    MlxArray one = MlxArray.scalar(1f);
                    MlxArray half = MlxArray.scalar(0.5f);
                    MlxArray scaled = ops.multiply(a, invSqrt2);
                    MlxArray erf = ops.erf(scaled);
                    MlxArray onePlus = ops.add(erf, one);
                    MlxArray halfX = ops.multiply(a, half)) {
                return ops.multiply(halfX, onePlus);
            }
        });
    }

    @Override
    public Tensor maximum(Tensor a, Tensor b) {
        return c.binary(a, b, ops::maximum);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Tensor sum(Tensor x, int axis, boolean keepDims) {
        return c.unary(x, a -> ops.sum(a, axis, keepDims));
    }

    @Override
    public Tensor mean(Tensor x, int axis, boolean keepDims) {
        return c.unary(x, a -> ops.mean(a, axis, keepDims));
    }

    @Override
    public Tensor max(Tensor x, int axis, boolean keepDims) {
        return c.unary(x, a -> ops.max(a, axis, keepDims));
    }

    @Override
    public Tensor logsumexp(Tensor x, int axis, boolean keepDims) {
        return c.unary(x, a -> ops.logsumexp(a, axis, keepDims));
    }

    /** MLX returns uint32 indices; the interface promises I32. */
    @Override
    public Tensor argmax(Tensor x, int axis) {
        return c.unary(x, a -> {
            try (MlxArray idx = ops.argmax(a, axis, false)) {
                return ops.astype(idx, MlxDType.INT32);
            }
        });
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        return c.unary(x, a -> ops.softmax(a, axis, true));
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        return c.binary(a, b, ops::matmul);
    }

    @Override
    public Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (w.rank() != 2 || x.dim(-1) != w.dim(1)) {
            throw new KernelException("linear of " + Tensor.describe(x) + " with weight " + Tensor.describe(w));
        }
        return c.op(() -> {
            try (MlxCalls.F32 in = c.f32(x); MlxCalls.F32 weight = c.f32(w); MlxArray wt = ops.transpose(weight.a, 1, 0)) {
                if (bias == null) return ops.matmul(in.a, wt);
                try (MlxCalls.F32 b = c.f32(bias); MlxArray y = ops.matmul(in.a, wt)) {
                    return ops.add(y, b.a);
                }
            }
        });
    }

    /**
     * {@code quantized_matmul} on the packed weights as stored. On MLX's CPU backend only, an input
     * of {@value #CPU_DEQUANTIZE_ROWS} rows or more (prefill, the audio encoder) goes through a
     * transient f32 dequantization and a BLAS GEMM instead: MLX's CPU quantized matmul costs the
     * same per row as a matvec (measured ~12× slower at 128 rows of a 6144×2048 4-bit weight).
     */
    @Override
    public Tensor quantizedMatmul(Tensor x, QuantizedWeight w) {
        if (x.dim(-1) != w.inFeatures()) {
            throw new KernelException("quantized matmul of " + Tensor.describe(x) + " with a [" + w.outFeatures() + ", "
                    + w.inFeatures() + "] weight");
        }
        boolean gemmOnCpu = device.type() == MlxDevice.Type.CPU && x.size() / x.dim(-1) >= CPU_DEQUANTIZE_ROWS;
        return c.op(() -> {
            try (MlxCalls.F32 in = c.f32(x)) {
                if (!gemmOnCpu) {
                    return ops.quantizedMatmul(in.a, c.arr(w.packed()), c.arr(w.scales()), c.arr(w.biases()), true,
                            w.groupSize(), w.bits());
                }
                // dequantize only once x is being computed: otherwise MLX's breadth-first schedule
                // dequantizes every layer's weight up front (measured: all 12 of a 12-layer chain
                // alive at the peak, against 4-5 with the dependency)
                try (MlxArray packed = ops.dependsOn(c.arr(w.packed()), in.a);
                        MlxArray dense = dequantizeF32(packed, w);
                        MlxArray t = ops.transpose(dense, 1, 0)) {
                    return ops.matmul(in.a, t);
                }
            }
        });
    }

    /** Rows of input from which a quantized matmul on MLX's CPU is cheaper as dequantize + GEMM (measured crossover ~8). */
    static final int CPU_DEQUANTIZE_ROWS = 16;

    @Override
    public Tensor dequantize(QuantizedWeight w) {
        return c.op(() -> dequantizeF32(c.arr(w.packed()), w));
    }

    /** Scales and biases go in as f32: MLX computes {@code scale·q + bias} in their dtype, which would round to bf16. */
    private MlxArray dequantizeF32(MlxArray packed, QuantizedWeight w) {
        try (MlxCalls.F32 scales = c.f32(w.scales()); MlxCalls.F32 biases = c.f32(w.biases())) {
            return ops.dequantize(packed, scales.a, biases.a, w.groupSize(), w.bits(), MlxDType.FLOAT32);
        }
    }

    // ---------------------------------------------------------------- fast nn ops (MlxNn)

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return nn.rmsNorm(x, weight, eps);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return nn.layerNorm(x, weight, bias, eps);
    }

    @Override
    public Tensor rope(Tensor x, int dims, boolean traditional, float base, float scale, int offset) {
        return nn.rope(x, dims, traditional, base, scale, offset);
    }

    @Override
    public Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, float scale, AttentionMask mask) {
        return nn.scaledDotProductAttention(q, k, v, scale, mask);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW) {
        return nn.conv2d(x, w, bias, strideH, strideW, padH, padW);
    }

    @Override
    public Tensor conv1d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return nn.conv1d(x, w, bias, stride, padding);
    }

    // ---------------------------------------------------------------- evaluation

    @Override
    public void eval(Tensor... xs) {
        MlxArray[] arrays = new MlxArray[xs.length];
        for (int i = 0; i < xs.length; i++) arrays[i] = c.arr(xs[i]);
        EVAL.lock();
        try {
            c.run(() -> {
                MlxOps.eval(arrays);
                return null;
            });
        } finally {
            EVAL.unlock();
        }
    }

    @Override
    public MemoryStats memoryStats() {
        return new MemoryStats(MlxMemory.activeBytes(), MlxMemory.peakBytes(), MlxMemory.cacheBytes());
    }

    @Override
    public void close() {
        stream.close();
    }

    @Override
    public String toString() {
        return name();
    }
}
