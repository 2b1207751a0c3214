package ai.ominix.nn;

import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;

/** LayerNorm over the last axis with weight and bias. */
public record LayerNorm(Tensor weight, Tensor bias, float eps) {

    public static LayerNorm load(Weights w, String prefix, float eps) {
        return new LayerNorm(w.get(prefix + ".weight"), w.get(prefix + ".bias"), eps);
    }

    public Tensor apply(Tensor x) {
        return x.backend().layerNorm(x, weight, bias, eps);
    }
}
