package ai.ominix.kernel;

/**
 * An MLX affine-quantized matrix exactly as mlx-community stores it: for logical weight
 * {@code W[out, in]}, {@code packed} is U32 {@code [out, in * bits / 32]} (element e of a row in
 * bits {@code e*bits .. e*bits+bits-1}, little-endian words, least significant bits first),
 * {@code scales} and {@code biases} are {@code [out, in / groupSize]} (F16, BF16 or F32), and
 * {@code W[r, c] = scales[r, c / groupSize] * q[r, c] + biases[r, c / groupSize]}.
 */
public record QuantizedWeight(Tensor packed, Tensor scales, Tensor biases, int groupSize, int bits) {

    public QuantizedWeight {
        if (bits != 2 && bits != 3 && bits != 4 && bits != 5 && bits != 6 && bits != 8) {
            throw new IllegalArgumentException("unsupported quantization bits: " + bits);
        }
        if (groupSize != 32 && groupSize != 64 && groupSize != 128) {
            throw new IllegalArgumentException("unsupported quantization group size: " + groupSize);
        }
        if (packed.dtype() != DType.U32) {
            throw new IllegalArgumentException("packed weight must be U32, got " + Tensor.describe(packed));
        }
        int out = packed.dim(0);
        long in = (long) packed.dim(1) * 32 / bits;
        if (scales.rank() != 2 || scales.dim(0) != out || (long) scales.dim(1) * groupSize != in
                || !java.util.Arrays.equals(scales.shape(), biases.shape())) {
            throw new IllegalArgumentException("quantized weight " + Tensor.describe(packed) + " with scales "
                    + Tensor.describe(scales) + ", biases " + Tensor.describe(biases) + " does not match bits="
                    + bits + " group_size=" + groupSize);
        }
    }

    /** Logical output features (rows of W). */
    public int outFeatures() {
        return packed.dim(0);
    }

    /** Logical input features (columns of W). */
    public int inFeatures() {
        return packed.dim(1) * 32 / bits;
    }
}
