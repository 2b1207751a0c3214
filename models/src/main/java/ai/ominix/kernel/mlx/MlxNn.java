package ai.ominix.kernel.mlx;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import ai.ominix.mlx.MlxArray;
import ai.ominix.mlx.MlxDevice;
import ai.ominix.mlx.MlxOps;
import ai.ominix.mlx.MlxOps.MaskMode;

/**
 * The MLX backend's layer ops: MLX's {@code fast} norms, rope and attention, and the
 * convolutions (with their optional bias). Inputs arrive as kernel tensors and results go to the
 * caller's scope through {@link MlxCalls}.
 */
final class MlxNn {

    private final MlxCalls c;
    private final MlxOps ops;
    private final MlxDevice device;

    MlxNn(MlxCalls c, MlxOps ops, MlxDevice device) {
        this.c = c;
        this.ops = ops;
        this.device = device;
    }

    Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return c.op(() -> {
            try (MlxCalls.F32 in = c.f32(x); MlxCalls.F32 w = c.f32(weight)) {
                return ops.rmsNorm(in.a, w.a, eps);
            }
        });
    }

    Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return c.op(() -> {
            try (MlxCalls.F32 in = c.f32(x); MlxCalls.F32 w = c.f32(weight); MlxCalls.F32 b = c.f32(bias)) {
                return ops.layerNorm(in.a, w.a, b.a, eps);
            }
        });
    }

    /** MLX's fast rope wants at least 3 dimensions: a 2-D {@code [L, D]} input gets a unit batch axis. */
    Tensor rope(Tensor x, int dims, boolean traditional, float base, float scale, int offset) {
        if (dims <= 0 || dims > x.dim(-1) || dims % 2 != 0) {
            throw new KernelException("rope over " + dims + " features of " + Tensor.describe(x));
        }
        return c.op(() -> {
            try (MlxCalls.F32 in = c.f32(x)) {
                if (x.rank() >= 3) return ops.rope(in.a, dims, traditional, base, scale, offset);
                int[] shape = x.shape();
                try (MlxArray x3 = ops.reshape(in.a, 1, x.rank() == 2 ? shape[0] : 1, shape[shape.length - 1]);
                        MlxArray r = ops.rope(x3, dims, traditional, base, scale, offset)) {
                    return ops.reshape(r, shape);
                }
            }
        });
    }

    Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, float scale, AttentionMask mask) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4 || q.dim(1) % k.dim(1) != 0) {
            throw new KernelException("attention needs q [B, Hq, Lq, D], k, v [B, Hkv, Lk, D] with Hq % Hkv == 0, got "
                    + Tensor.describe(q) + ", " + Tensor.describe(k) + ", " + Tensor.describe(v));
        }
        boolean decode = q.dim(2) == 1 && !(mask instanceof AttentionMask.Additive);
        return c.op(() -> {
            try (MlxCalls.F32 qa = c.f32(q); MlxCalls.F32 ka = c.f32(k); MlxCalls.F32 va = c.f32(v)) {
                if (decode && device.type() == MlxDevice.Type.CPU) return decodeOnCpu(q, qa.a, ka.a, va.a, scale);
                return switch (mask) {
                    case AttentionMask.None n -> ops.scaledDotProductAttention(qa.a, ka.a, va.a, scale, MaskMode.NONE, null);
                    case AttentionMask.Causal c ->
                            ops.scaledDotProductAttention(qa.a, ka.a, va.a, scale, MaskMode.CAUSAL, null);
                    case AttentionMask.Additive(Tensor m) -> {
                        try (MlxCalls.F32 ma = c.f32(m)) {
                            yield ops.scaledDotProductAttention(qa.a, ka.a, va.a, scale, MaskMode.ARRAY, ma.a);
                        }
                    }
                };
            }
        });
    }

    /**
     * One query token on MLX's CPU backend, as two matmuls with the query heads that share a kv
     * head as the rows of one product ({@code [B, Hkv, Hq/Hkv, D] · kᵀ}). MLX's CPU fallback for
     * {@code fast.scaled_dot_product_attention} was 3–8× slower on a 4096-token decode step (it
     * broadcasts k and v over the grouped heads). With one query row, causal and no mask are the
     * same: the token sees every cached key. Metal and CUDA keep MLX's fused kernel.
     */
    private MlxArray decodeOnCpu(Tensor q, MlxArray qa, MlxArray ka, MlxArray va, float scale) {
        int b = q.dim(0);
        int hkv = ka.shape()[1];
        int d = q.dim(3);
        try (MlxArray grouped = ops.reshape(qa, b, hkv, q.dim(1) / hkv, d);
                MlxArray k = MlxArray.scalar(scale);
                MlxArray scaled = ops.multiply(grouped, k);
                MlxArray kt = ops.transpose(ka, 0, 1, 3, 2);
                MlxArray scores = ops.matmul(scaled, kt);
                MlxArray p = ops.softmax(scores, -1, true);
                MlxArray out = ops.matmul(p, va)) {
            return ops.reshape(out, q.shape());
        }
    }

    Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW) {
        return c.op(() -> {
            try (MlxCalls.F32 in = c.f32(x); MlxCalls.F32 weight = c.f32(w)) {
                if (bias == null) return ops.conv2d(in.a, weight.a, strideH, strideW, padH, padW);
                try (MlxCalls.F32 b = c.f32(bias); MlxArray y = ops.conv2d(in.a, weight.a, strideH, strideW, padH, padW)) {
                    return ops.add(y, b.a);
                }
            }
        });
    }

    Tensor conv1d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return c.op(() -> {
            try (MlxCalls.F32 in = c.f32(x); MlxCalls.F32 weight = c.f32(w)) {
                if (bias == null) return ops.conv1d(in.a, weight.a, stride, padding, 1, 1);
                try (MlxCalls.F32 b = c.f32(bias); MlxArray y = ops.conv1d(in.a, weight.a, stride, padding, 1, 1)) {
                    return ops.add(y, b.a);
                }
            }
        });
    }
}
