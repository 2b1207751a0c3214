package ai.ominix.mlx;

import static ai.ominix.mlx.c.CTypes.C_BOOL;
import static ai.ominix.mlx.c.CTypes.C_INT;

import ai.ominix.mlx.c.CArray;
import ai.ominix.mlx.c.CFast;
import ai.ominix.mlx.c.COps;
import ai.ominix.mlx.c.CTransforms;
import ai.ominix.mlx.c.CTypes;
import ai.ominix.mlx.c.CVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The MLX ops ominix uses, each one mlx-c call recorded on one stream (lazily: nothing runs
 * until {@link #eval} or a host read). Every returned {@link MlxArray} is a new handle owned by
 * the caller. Failures throw {@link MlxException} with MLX's message. Argument memory of a call
 * (shapes, strings, the result slot) lives in a confined arena for that call only.
 */
public final class MlxOps {

    private final MlxStream stream;

    public MlxOps(MlxStream stream) {
        this.stream = stream;
    }

    public MlxStream stream() {
        return stream;
    }

    @FunctionalInterface
    interface Call {
        int invoke(MemorySegment result, Arena arena, MemorySegment stream);
    }

    /** Runs one mlx-c op that writes an {@code mlx_array} into its first argument. */
    MlxArray call(String name, Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = arena.allocate(CTypes.mlx_array);
            MlxLibrary.check(call.invoke(result, arena, stream.handle()), name);
            return MlxArray.adopt(result);
        }
    }

    static MemorySegment orNull(MlxArray a) {
        return a == null ? MlxArray.NULL : a.handle();
    }

    static MemorySegment optionalInt(SegmentAllocator arena, int value) {
        MemorySegment s = arena.allocate(CTypes.mlx_optional_int);
        s.set(C_INT, 0, value);
        s.set(C_BOOL, 4, true);
        return s;
    }

    // ------------------------------------------------------------------ elementwise

    public MlxArray add(MlxArray a, MlxArray b) {
        return call("mlx_add", (r, m, s) -> COps.mlx_add(r, a.handle(), b.handle(), s));
    }

    public MlxArray subtract(MlxArray a, MlxArray b) {
        return call("mlx_subtract", (r, m, s) -> COps.mlx_subtract(r, a.handle(), b.handle(), s));
    }

    public MlxArray multiply(MlxArray a, MlxArray b) {
        return call("mlx_multiply", (r, m, s) -> COps.mlx_multiply(r, a.handle(), b.handle(), s));
    }

    public MlxArray divide(MlxArray a, MlxArray b) {
        return call("mlx_divide", (r, m, s) -> COps.mlx_divide(r, a.handle(), b.handle(), s));
    }

    public MlxArray maximum(MlxArray a, MlxArray b) {
        return call("mlx_maximum", (r, m, s) -> COps.mlx_maximum(r, a.handle(), b.handle(), s));
    }

    public MlxArray exp(MlxArray a) {
        return call("mlx_exp", (r, m, s) -> COps.mlx_exp(r, a.handle(), s));
    }

    public MlxArray log(MlxArray a) {
        return call("mlx_log", (r, m, s) -> COps.mlx_log(r, a.handle(), s));
    }

    public MlxArray sigmoid(MlxArray a) {
        return call("mlx_sigmoid", (r, m, s) -> COps.mlx_sigmoid(r, a.handle(), s));
    }

    public MlxArray erf(MlxArray a) {
        return call("mlx_erf", (r, m, s) -> COps.mlx_erf(r, a.handle(), s));
    }

    public MlxArray negative(MlxArray a) {
        return call("mlx_negative", (r, m, s) -> COps.mlx_negative(r, a.handle(), s));
    }

    public MlxArray astype(MlxArray a, MlxDType dtype) {
        return call("mlx_astype", (r, m, s) -> COps.mlx_astype(r, a.handle(), dtype.code(), s));
    }

    /**
     * {@code a}, but computed only after {@code after}: MLX's {@code depends}. Orders work in the
     * lazy graph without an evaluation, e.g. so that a large temporary is not made early.
     */
    public MlxArray dependsOn(MlxArray a, MlxArray after) {
        try (Arena m = Arena.ofConfined()) {
            MemorySegment inputs = vector(m, List.of(a));
            MemorySegment deps = vector(m, List.of(after));
            MemorySegment out = m.allocate(CTypes.mlx_vector_array);
            try {
                MlxLibrary.check(COps.mlx_depends(out, inputs, deps), "mlx_depends");
                MemorySegment slot = m.allocate(CTypes.mlx_array);
                MlxLibrary.check(CVector.mlx_vector_array_get(slot, out, 0), "mlx_vector_array_get");
                return MlxArray.adopt(slot);
            } finally {
                CVector.mlx_vector_array_free(out);
                CVector.mlx_vector_array_free(inputs);
                CVector.mlx_vector_array_free(deps);
            }
        }
    }

    // ------------------------------------------------------------------ creation and layout

    public MlxArray zeros(MlxDType dtype, int... shape) {
        return call("mlx_zeros", (r, m, s) -> COps.mlx_zeros(r, m.allocateFrom(C_INT, shape), shape.length,
                dtype.code(), s));
    }

    /** A row-major contiguous copy when {@code a} is not already (a view's buffer is not row-major). */
    public MlxArray contiguous(MlxArray a) {
        return call("mlx_contiguous", (r, m, s) -> COps.mlx_contiguous(r, a.handle(), false, s));
    }

    public MlxArray reshape(MlxArray a, int... shape) {
        return call("mlx_reshape", (r, m, s) -> COps.mlx_reshape(r, a.handle(), m.allocateFrom(C_INT, shape),
                shape.length, s));
    }

    public MlxArray transpose(MlxArray a, int... axes) {
        return call("mlx_transpose_axes", (r, m, s) -> COps.mlx_transpose_axes(r, a.handle(),
                m.allocateFrom(C_INT, axes), axes.length, s));
    }

    public MlxArray slice(MlxArray a, int[] start, int[] stop, int[] strides) {
        return call("mlx_slice", (r, m, s) -> COps.mlx_slice(r, a.handle(), m.allocateFrom(C_INT, start),
                start.length, m.allocateFrom(C_INT, stop), stop.length, m.allocateFrom(C_INT, strides),
                strides.length, s));
    }

    /**
     * Writes {@code update} into {@code target[start:stop:strides]}, in place: the result of MLX's
     * {@code slice_update} is assigned to the array behind {@code target}'s own handle, so every
     * holder of {@code target} sees the new contents (the old buffer stays alive for pending uses).
     */
    public void sliceUpdateInPlace(MlxArray target, MlxArray update, int[] start, int[] stop, int[] strides) {
        try (Arena m = Arena.ofConfined()) {
            MemorySegment result = m.allocate(CTypes.mlx_array).copyFrom(target.handle());
            MlxLibrary.check(COps.mlx_slice_update(result, target.handle(), update.handle(),
                    m.allocateFrom(C_INT, start), start.length, m.allocateFrom(C_INT, stop), stop.length,
                    m.allocateFrom(C_INT, strides), strides.length, stream.handle()), "mlx_slice_update");
        }
    }

    public MlxArray concatenate(List<MlxArray> arrays, int axis) {
        return call("mlx_concatenate_axis", (r, m, s) -> {
            MemorySegment vec = vector(m, arrays);
            try {
                return COps.mlx_concatenate_axis(r, vec, axis, s);
            } finally {
                CVector.mlx_vector_array_free(vec);
            }
        });
    }

    public MlxArray take(MlxArray a, MlxArray indices, int axis) {
        return call("mlx_take_axis", (r, m, s) -> COps.mlx_take_axis(r, a.handle(), indices.handle(), axis, s));
    }

    public MlxArray repeat(MlxArray a, int repeats, int axis) {
        return call("mlx_repeat_axis", (r, m, s) -> COps.mlx_repeat_axis(r, a.handle(), repeats, axis, s));
    }

    // ------------------------------------------------------------------ reductions

    public MlxArray sum(MlxArray a, int axis, boolean keepDims) {
        return call("mlx_sum_axis", (r, m, s) -> COps.mlx_sum_axis(r, a.handle(), axis, keepDims, s));
    }

    public MlxArray mean(MlxArray a, int axis, boolean keepDims) {
        return call("mlx_mean_axis", (r, m, s) -> COps.mlx_mean_axis(r, a.handle(), axis, keepDims, s));
    }

    public MlxArray max(MlxArray a, int axis, boolean keepDims) {
        return call("mlx_max_axis", (r, m, s) -> COps.mlx_max_axis(r, a.handle(), axis, keepDims, s));
    }

    public MlxArray logsumexp(MlxArray a, int axis, boolean keepDims) {
        return call("mlx_logsumexp_axis", (r, m, s) -> COps.mlx_logsumexp_axis(r, a.handle(), axis, keepDims, s));
    }

    public MlxArray argmax(MlxArray a, int axis, boolean keepDims) {
        return call("mlx_argmax_axis", (r, m, s) -> COps.mlx_argmax_axis(r, a.handle(), axis, keepDims, s));
    }

    /** Softmax along {@code axis}; {@code precise} accumulates in f32 for half-precision inputs. */
    public MlxArray softmax(MlxArray a, int axis, boolean precise) {
        return call("mlx_softmax_axis", (r, m, s) -> COps.mlx_softmax_axis(r, a.handle(), axis, precise, s));
    }

    // ------------------------------------------------------------------ linear algebra and convolution

    public MlxArray matmul(MlxArray a, MlxArray b) {
        return call("mlx_matmul", (r, m, s) -> COps.mlx_matmul(r, a.handle(), b.handle(), s));
    }

    /** {@code input [N, L, Cin]}, {@code weight [Cout, K, Cin/groups]}. */
    public MlxArray conv1d(MlxArray input, MlxArray weight, int stride, int padding, int dilation, int groups) {
        return call("mlx_conv1d", (r, m, s) -> COps.mlx_conv1d(r, input.handle(), weight.handle(), stride, padding,
                dilation, groups, s));
    }

    /** {@code input [N, H, W, Cin]}, {@code weight [Cout, KH, KW, Cin/groups]}. */
    public MlxArray conv2d(MlxArray input, MlxArray weight, int strideH, int strideW, int padH, int padW) {
        return call("mlx_conv2d", (r, m, s) -> COps.mlx_conv2d(r, input.handle(), weight.handle(), strideH, strideW,
                padH, padW, 1, 1, 1, s));
    }


    // ------------------------------------------------------------------ affine quantization (mode "affine")

    /** MLX's packed form of a matrix: uint32 words (least significant bits first), scales and biases [N, K/group]. */
    public record Quantized(MlxArray packed, MlxArray scales, MlxArray biases) implements AutoCloseable {
        @Override
        public void close() {
            try (packed; scales; biases) {
                // closes all three
            }
        }
    }

    public Quantized quantize(MlxArray w, int groupSize, int bits) {
        try (Arena m = Arena.ofConfined()) {
            MemorySegment out = m.allocate(CTypes.mlx_vector_array);
            MlxLibrary.check(COps.mlx_quantize(out, w.handle(), optionalInt(m, groupSize), optionalInt(m, bits),
                    m.allocateFrom("affine"), MlxArray.NULL, stream.handle()), "mlx_quantize");
            try {
                long n = CVector.mlx_vector_array_size(out);
                if (n != 3) throw new MlxException("mlx_quantize returned " + n + " arrays, expected 3");
                MlxArray[] parts = new MlxArray[3];
                for (int i = 0; i < 3; i++) {
                    MemorySegment slot = m.allocate(CTypes.mlx_array);
                    MlxLibrary.check(CVector.mlx_vector_array_get(slot, out, i), "mlx_vector_array_get");
                    parts[i] = MlxArray.adopt(slot);
                }
                return new Quantized(parts[0], parts[1], parts[2]);
            } finally {
                CVector.mlx_vector_array_free(out);
            }
        }
    }

    /** The matrix {@code packed} stands for, in {@code dtype} (null: the dtype of {@code scales}). */
    public MlxArray dequantize(MlxArray packed, MlxArray scales, MlxArray biases, int groupSize, int bits,
            MlxDType dtype) {
        return call("mlx_dequantize", (r, m, s) -> {
            MemorySegment dt = m.allocate(CTypes.mlx_optional_dtype);
            if (dtype != null) {
                dt.set(C_INT, 0, dtype.code());
                dt.set(C_BOOL, 4, true);
            }
            return COps.mlx_dequantize(r, packed.handle(), scales.handle(), orNull(biases), optionalInt(m, groupSize),
                    optionalInt(m, bits), m.allocateFrom("affine"), MlxArray.NULL, dt, s);
        });
    }

    /** {@code x @ dequantize(w).T} when {@code transpose} (weights stored [out, in]), reading {@code w} as packed. */
    public MlxArray quantizedMatmul(MlxArray x, MlxArray packed, MlxArray scales, MlxArray biases, boolean transpose,
            int groupSize, int bits) {
        return call("mlx_quantized_matmul", (r, m, s) -> COps.mlx_quantized_matmul(r, x.handle(), packed.handle(),
                scales.handle(), orNull(biases), transpose, optionalInt(m, groupSize), optionalInt(m, bits),
                m.allocateFrom("affine"), s));
    }

    // ------------------------------------------------------------------ fast (mlx.core.fast)

    /** RMSNorm over the last axis; {@code weight} may be null. */
    public MlxArray rmsNorm(MlxArray x, MlxArray weight, float eps) {
        return call("mlx_fast_rms_norm", (r, m, s) -> CFast.mlx_fast_rms_norm(r, x.handle(), orNull(weight), eps, s));
    }

    /** LayerNorm over the last axis; {@code weight} and {@code bias} may be null. */
    public MlxArray layerNorm(MlxArray x, MlxArray weight, MlxArray bias, float eps) {
        return call("mlx_fast_layer_norm", (r, m, s) -> CFast.mlx_fast_layer_norm(r, x.handle(), orNull(weight),
                orNull(bias), eps, s));
    }

    /** Rotary embedding of the first {@code dims} features; positions {@code offset + row} along axis -2. */
    public MlxArray rope(MlxArray x, int dims, boolean traditional, float base, float scale, int offset) {
        return call("mlx_fast_rope", (r, m, s) -> {
            MemorySegment b = m.allocate(CTypes.mlx_optional_float);
            b.set(ValueLayout.JAVA_FLOAT, 0, base);
            b.set(C_BOOL, 4, true);
            return CFast.mlx_fast_rope(r, x.handle(), dims, traditional, b, scale, offset, MlxArray.NULL, s);
        });
    }

    /** MLX's mask modes for {@link #scaledDotProductAttention}. */
    public enum MaskMode {
        NONE(""), CAUSAL("causal"), ARRAY("array");

        final String cName;

        MaskMode(String cName) {
            this.cName = cName;
        }
    }

    /** {@code softmax(q kᵀ · scale + mask) v}; {@code mask} only with {@link MaskMode#ARRAY}. */
    public MlxArray scaledDotProductAttention(MlxArray q, MlxArray k, MlxArray v, float scale, MaskMode mode,
            MlxArray mask) {
        if ((mode == MaskMode.ARRAY) != (mask != null)) {
            throw new IllegalArgumentException("an array mask goes with MaskMode.ARRAY, and only with it");
        }
        return call("mlx_fast_scaled_dot_product_attention", (r, m, s) -> CFast.mlx_fast_scaled_dot_product_attention(
                r, q.handle(), k.handle(), v.handle(), scale, m.allocateFrom(mode.cName), orNull(mask), MlxArray.NULL,
                s));
    }

    // ------------------------------------------------------------------ evaluation

    /** Computes the given arrays (and what they depend on) now. */
    public static void eval(MlxArray... arrays) {
        try (Arena m = Arena.ofConfined()) {
            MemorySegment vec = vector(m, List.of(arrays));
            try {
                MlxLibrary.check(CTransforms.mlx_eval(vec), "mlx_eval");
            } finally {
                CVector.mlx_vector_array_free(vec);
            }
        }
    }

    /** An {@code mlx_vector_array} of the arrays; the caller frees it with {@code mlx_vector_array_free}. */
    static MemorySegment vector(Arena m, List<MlxArray> arrays) {
        MemorySegment data = m.allocate(CTypes.mlx_array, Math.max(1, arrays.size()));
        for (int i = 0; i < arrays.size(); i++) {
            MemorySegment.copy(arrays.get(i).handle(), 0, data, (long) i * CTypes.mlx_array.byteSize(),
                    CTypes.mlx_array.byteSize());
        }
        return CVector.mlx_vector_array_new_data(m, data, arrays.size());
    }

    // ------------------------------------------------------------------ host reads

    /** The elements as f32, row-major (any real dtype is converted by MLX first). Evaluates. */
    public float[] toFloats(MlxArray a) {
        try (MlxArray f32 = a.dtype() == MlxDType.FLOAT32 ? null : astype(a, MlxDType.FLOAT32);
                MlxArray c = contiguous(f32 == null ? a : f32)) {
            return readData(c, CArray.mlx_array_data_float32(evaluated(c)), ValueLayout.JAVA_FLOAT).toArray(
                    ValueLayout.JAVA_FLOAT);
        }
    }

    /** The elements of an INT32 or UINT32 array (bit patterns), row-major. Evaluates. */
    public int[] toInts(MlxArray a) {
        MlxDType t = a.dtype();
        if (t != MlxDType.INT32 && t != MlxDType.UINT32) throw new MlxException("toInts needs int32/uint32, got " + t);
        try (MlxArray c = contiguous(a)) {
            return readData(c, CArray.mlx_array_data_int32(evaluated(c)), ValueLayout.JAVA_INT).toArray(
                    ValueLayout.JAVA_INT);
        }
    }

    /**
     * The raw 16-bit patterns of a FLOAT16, BFLOAT16 or UINT16 array, row-major: the portable way to
     * read half floats ({@code mlx_array_data_float16/bfloat16} exist only on ARM builds).
     */
    public short[] toUint16Bits(MlxArray a) {
        MlxDType t = a.dtype();
        if (t.byteSize() != 2) throw new MlxException("toUint16Bits needs a 16-bit dtype, got " + t);
        try (MlxArray c = contiguous(a)) {
            return readData(c, CArray.mlx_array_data_uint16(evaluated(c)), ValueLayout.JAVA_SHORT).toArray(
                    ValueLayout.JAVA_SHORT);
        }
    }

    private static MemorySegment evaluated(MlxArray a) {
        MlxLibrary.check(CArray.mlx_array_eval(a.handle()), "mlx_array_eval");
        return a.handle();
    }

    private static MemorySegment readData(MlxArray a, MemorySegment data, ValueLayout element) {
        if (data.equals(MemorySegment.NULL)) throw new MlxException("MLX array has no data after evaluation");
        return data.reinterpret(a.size() * element.byteSize());
    }
}
