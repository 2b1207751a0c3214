package ai.ominix.nn;

import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;

/**
 * {@code y = x·Wᵀ (+ b)} with W stored {@code [out, in]} as in the checkpoint. Quantization is a
 * property of the layer (mlx-lm {@code QuantizedLinear}): a weight that has {@code .scales} next
 * to it is MLX affine-quantized and used as stored.
 */
public sealed interface Linear permits Linear.Dense, Linear.Quantized {

    Tensor apply(Tensor x);

    /**
     * {@code layers[i].apply(x)} for each layer; quantized layers without bias go to the backend
     * together ({@link ai.ominix.kernel.Backend#quantizedMatmuls}), which may run them as one pass.
     */
    static Tensor[] applyAll(Tensor x, Linear... layers) {
        QuantizedWeight[] ws = new QuantizedWeight[layers.length];
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof Quantized q) || q.bias() != null) {
                Tensor[] out = new Tensor[layers.length];
                for (int j = 0; j < layers.length; j++) out[j] = layers[j].apply(x);
                return out;
            }
            ws[i] = q.weight();
        }
        return x.backend().quantizedMatmuls(x, ws);
    }

    int inFeatures();

    int outFeatures();

    /**
     * Loads {@code prefix.weight} (and {@code prefix.bias} when {@code withBias}); quantized when
     * {@code prefix.scales} exists. Bits and group size follow from the stored shapes and the
     * logical {@code inFeatures}, so per-module quantization overrides need no extra plumbing.
     */
    static Linear load(Weights w, String prefix, int inFeatures, boolean withBias) {
        Tensor bias = withBias ? w.get(prefix + ".bias") : null;
        if (w.contains(prefix + ".scales")) {
            return new Quantized(Quant.load(w, prefix, inFeatures), bias);
        }
        Tensor weight = w.get(prefix + ".weight");
        if (weight.rank() != 2 || weight.dim(1) != inFeatures) {
            throw new KernelException(prefix + ".weight is " + Tensor.describe(weight)
                    + ", expected [out, " + inFeatures + "]");
        }
        return new Dense(weight, bias);
    }

    record Dense(Tensor weight, Tensor bias) implements Linear {
        @Override
        public Tensor apply(Tensor x) {
            return x.backend().linear(x, weight, bias);
        }

        @Override
        public int inFeatures() {
            return weight.dim(1);
        }

        @Override
        public int outFeatures() {
            return weight.dim(0);
        }
    }

    record Quantized(QuantizedWeight weight, Tensor bias) implements Linear {
        @Override
        public Tensor apply(Tensor x) {
            Tensor y = x.backend().quantizedMatmul(x, weight);
            return bias == null ? y : x.backend().add(y, bias);
        }

        @Override
        public int inFeatures() {
            return weight.inFeatures();
        }

        @Override
        public int outFeatures() {
            return weight.outFeatures();
        }
    }
}
