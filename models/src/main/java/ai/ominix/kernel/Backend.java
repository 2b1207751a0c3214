package ai.ominix.kernel;

import java.nio.file.Path;
import java.util.List;

/**
 * The kernel interface: exactly the ops Qwen3-ASR and MiniCPM-SALA need, shaped after MLX's own
 * (mlx-c) ops so that the MLX backend maps each one to one call. Model code is written once
 * against this interface and never knows which backend runs it.
 *
 * <h2>Semantics shared by all ops</h2>
 * <ul>
 *   <li>Shapes are row-major; negative axes count from the end.</li>
 *   <li>Binary elementwise ops broadcast like NumPy/MLX.</li>
 *   <li>Results of float ops are {@link DType#F32}; float inputs may be F32, F16 or BF16 (weights
 *       as stored) and are computed in at least f32.</li>
 *   <li>Every returned tensor is {@link Scope#track tracked} by the caller's innermost
 *       {@link Scope}. A result may share memory with an input (views); its contents are then
 *       unspecified after a later {@link #sliceUpdate} of that input.</li>
 *   <li>Evaluation may be lazy (MLX) or eager (CPU): {@link #eval} is the explicit point where
 *       pending work is forced; reading data ({@link #toFloatArray} ...) also forces it.
 *       Call {@code eval} once per decode step / encoder chunk, not per op.</li>
 *   <li>Errors (bad shapes, native failures) are {@link KernelException}s with a message.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** "cpu", "mlx-gpu", "mlx-cpu", ... as shown in logs and /health. */
    String name();

    // ---------------------------------------------------------------- creation and host data

    /** A tensor holding a copy of {@code data} (length must equal the product of {@code shape}). */
    Tensor fromArray(float[] data, int... shape);

    Tensor fromArray(int[] data, int... shape);

    /** A zero-filled tensor. */
    Tensor zeros(DType dtype, int... shape);

    /** Copies to the host as f32 (any float or integer dtype is converted), row-major. Forces evaluation. */
    float[] toFloatArray(Tensor x);

    /** Copies an integer (I32/U32) tensor to the host. Forces evaluation. */
    int[] toIntArray(Tensor x);

    /** Converts element type (float↔float with rounding to nearest even; int→float exact). */
    Tensor astype(Tensor x, DType dtype);

    /**
     * Loads safetensors files (validated by {@code ai.ominix.weights.SafetensorsFile}) as stored:
     * no dtype conversion, no dequantization. The CPU backend memory-maps them; MLX loads them
     * itself.
     */
    Weights loadWeights(List<Path> safetensorsFiles);

    // ---------------------------------------------------------------- shape ops

    /** Same elements in a new shape; one dimension may be -1. */
    Tensor reshape(Tensor x, int... shape);

    /** Permutes axes: result axis i is input axis {@code axes[i]}. */
    Tensor transpose(Tensor x, int... axes);

    /** Elements {@code [start, end)} along {@code axis}. */
    Tensor slice(Tensor x, int axis, int start, int end);

    Tensor concatenate(List<Tensor> xs, int axis);

    /**
     * Writes {@code update} into {@code target} at offset {@code start} along {@code axis}
     * (all other dimensions equal), in place: {@code target} itself holds the new contents
     * afterwards (MLX swaps the handle behind the same Java object). Used for KV caches.
     */
    void sliceUpdate(Tensor target, Tensor update, int axis, int start);

    /** Gathers entries of {@code x} along {@code axis} at integer {@code indices} (embedding lookup). Any dtype. */
    Tensor take(Tensor x, Tensor indices, int axis);

    /** Repeats each element {@code repeats} times along {@code axis} (GQA head expansion). */
    Tensor repeat(Tensor x, int repeats, int axis);

    // ---------------------------------------------------------------- elementwise

    Tensor add(Tensor a, Tensor b);

    Tensor subtract(Tensor a, Tensor b);

    Tensor multiply(Tensor a, Tensor b);

    Tensor divide(Tensor a, Tensor b);

    /** {@code x * s}. */
    Tensor scale(Tensor x, float s);

    /** {@code x + s}. */
    Tensor addScalar(Tensor x, float s);

    Tensor exp(Tensor x);

    Tensor log(Tensor x);

    Tensor sigmoid(Tensor x);

    /** {@code x * sigmoid(x)}. */
    Tensor silu(Tensor x);

    /** Exact GELU: {@code x * (1 + erf(x / sqrt 2)) / 2}. */
    Tensor gelu(Tensor x);

    /** Elementwise maximum (broadcasting). */
    Tensor maximum(Tensor a, Tensor b);

    // ---------------------------------------------------------------- reductions

    Tensor sum(Tensor x, int axis, boolean keepDims);

    Tensor mean(Tensor x, int axis, boolean keepDims);

    Tensor max(Tensor x, int axis, boolean keepDims);

    /** {@code log(sum(exp(x)))} along {@code axis}, computed stably. */
    Tensor logsumexp(Tensor x, int axis, boolean keepDims);

    /** Index of the maximum along {@code axis} (first one on ties), I32, axis removed. */
    Tensor argmax(Tensor x, int axis);

    /** Softmax along {@code axis}, in f32. */
    Tensor softmax(Tensor x, int axis);

    // ---------------------------------------------------------------- linear algebra

    /** Batched matrix product {@code [..., M, K] x [..., K, N] -> [..., M, N]}, leading dims broadcast. */
    Tensor matmul(Tensor a, Tensor b);

    /**
     * {@code x · wᵀ (+ bias)} for a dense weight stored {@code [out, in]} (F32/F16/BF16) as in
     * checkpoints: {@code x [..., in] -> [..., out]}. {@code bias} may be null.
     */
    Tensor linear(Tensor x, Tensor w, Tensor bias);

    /**
     * {@code x · dequantize(w)ᵀ}: {@code x [..., in] -> [..., out]}, reading the packed weights
     * as stored (MLX {@code quantized_matmul(transpose=true)}).
     *
     * <p>Rows: on the CPU backend, for up to 16 rows of {@code x}, each row's result is bit for bit
     * what that row alone gives (so does {@link #linear}); a batched decode step relies on it to keep
     * every sequence's answer what it is alone. MLX makes no such promise between its 1-row and
     * several-row kernels.
     */
    Tensor quantizedMatmul(Tensor x, QuantizedWeight w);

    /**
     * {@code x · dequantize(w_i)ᵀ} for several weights that read the same input (the q/k/v or
     * gate/up projections of a layer): the same results as {@link #quantizedMatmul} on each, which
     * is what this default does. A backend may compute them in one pass (the CPU backend splits one
     * decode step's rows over its threads once instead of once per weight).
     */
    default Tensor[] quantizedMatmuls(Tensor x, QuantizedWeight... ws) {
        Tensor[] out = new Tensor[ws.length];
        for (int i = 0; i < ws.length; i++) out[i] = quantizedMatmul(x, ws[i]);
        return out;
    }

    /** The f32 matrix {@code [out, in]} a quantized weight stands for (or selected rows of it, for embeddings). */
    Tensor dequantize(QuantizedWeight w);

    // ---------------------------------------------------------------- fast nn ops (mlx.core.fast)

    /** {@code x * rsqrt(mean(x², -1) + eps) * weight} over the last axis; {@code weight} may be null. */
    Tensor rmsNorm(Tensor x, Tensor weight, float eps);

    /** LayerNorm over the last axis with optional weight and bias. */
    Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps);

    /**
     * Rotary embedding over the first {@code dims} features of the last axis of
     * {@code x [..., L, D]}; row {@code l} has position {@code offset + l}. {@code traditional}
     * rotates interleaved pairs (x[2i], x[2i+1]); otherwise halves (x[i], x[i + dims/2]), the
     * GPT-NeoX / rotate-half form. Frequencies {@code base^(-2i/dims)}, angle {@code scale * pos * freq}.
     */
    Tensor rope(Tensor x, int dims, boolean traditional, float base, float scale, int offset);

    /**
     * Scaled dot-product attention: {@code q [B, Hq, Lq, D]}, {@code k, v [B, Hkv, Lk, D]} with
     * {@code Hq % Hkv == 0} (query head h uses kv head {@code h / (Hq / Hkv)}), softmax in f32.
     * {@code mask}: {@link AttentionMask#none()}, {@link AttentionMask#causal()} (query i sits at
     * position {@code Lk - Lq + i}, bottom-right aligned as in MLX), or an additive f32 array
     * broadcastable to {@code [B, Hq, Lq, Lk]} (-inf to block, e.g. block-diagonal windows).
     */
    Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, float scale, AttentionMask mask);

    /**
     * 2-D convolution, channels-last like MLX: {@code x [N, H, W, Cin]}, {@code w [Cout, KH, KW, Cin]},
     * optional {@code bias [Cout]}, symmetric zero padding → {@code [N, H', W', Cout]}.
     */
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW);

    /** 1-D convolution, channels-last: {@code x [N, L, Cin]}, {@code w [Cout, K, Cin]}, optional bias. */
    Tensor conv1d(Tensor x, Tensor w, Tensor bias, int stride, int padding);

    // ---------------------------------------------------------------- evaluation

    /** Forces pending computation of the given tensors (no-op on an eager backend). */
    void eval(Tensor... xs);

    /** Bytes of device memory in use / peak / cached, where the backend knows them (else -1). */
    default MemoryStats memoryStats() {
        return MemoryStats.UNKNOWN;
    }

    /** Releases backend-wide resources (thread pools, native caches). */
    @Override
    void close();

    record MemoryStats(long activeBytes, long peakBytes, long cacheBytes) {
        public static final MemoryStats UNKNOWN = new MemoryStats(-1, -1, -1);
    }
}
