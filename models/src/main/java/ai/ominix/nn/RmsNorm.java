package ai.ominix.nn;

import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;

/** {@code x · rsqrt(mean(x²) + eps) · w} over the last axis, statistics in f32. */
public record RmsNorm(Tensor weight, float eps) {

    public static RmsNorm load(Weights w, String prefix, float eps) {
        return new RmsNorm(w.get(prefix + ".weight"), eps);
    }

    public Tensor apply(Tensor x) {
        return x.backend().rmsNorm(x, weight, eps);
    }
}
