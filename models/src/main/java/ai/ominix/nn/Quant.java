package ai.ominix.nn;

import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;

/** Reads an MLX affine-quantized triple {@code prefix.{weight,scales,biases}}. */
final class Quant {

    private Quant() {}

    static QuantizedWeight load(Weights w, String prefix, int inFeatures) {
        Tensor packed = w.get(prefix + ".weight");
        Tensor scales = w.get(prefix + ".scales");
        Tensor biases = w.get(prefix + ".biases");
        if (packed.rank() != 2 || scales.rank() != 2) {
            throw new KernelException(prefix + ": quantized weight " + Tensor.describe(packed)
                    + " / scales " + Tensor.describe(scales) + " must be 2-D");
        }
        long bitsTimesIn = (long) packed.dim(1) * 32;
        if (bitsTimesIn % inFeatures != 0 || inFeatures % scales.dim(1) != 0) {
            throw new KernelException(prefix + ": stored shapes " + Tensor.describe(packed) + " / "
                    + Tensor.describe(scales) + " do not fit " + inFeatures + " input features");
        }
        return new QuantizedWeight(packed, scales, biases, inFeatures / scales.dim(1),
                (int) (bitsTimesIn / inFeatures));
    }
}
