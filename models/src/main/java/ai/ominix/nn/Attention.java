package ai.ominix.nn;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;

/**
 * Head reshaping around {@link Backend#scaledDotProductAttention}, shared by the models: rows of
 * {@code [B·L, heads·headDim]} activations become {@code [B, heads, L, headDim]} and back.
 */
public final class Attention {

    private Attention() {}

    /** {@code x [B·L, heads·headDim] -> [B, heads, L, headDim]}. */
    public static Tensor splitHeads(Tensor x, int batch, int heads, int headDim) {
        Backend b = x.backend();
        int rows = x.dim(0);
        if (rows % batch != 0) {
            throw new IllegalArgumentException(rows + " rows do not split into " + batch + " sequences");
        }
        return b.transpose(b.reshape(x, batch, rows / batch, heads, headDim), 0, 2, 1, 3);
    }

    /** {@code x [B, heads, L, headDim] -> [B·L, heads·headDim]}. */
    public static Tensor mergeHeads(Tensor x) {
        Backend b = x.backend();
        return b.reshape(b.transpose(x, 0, 2, 1, 3), x.dim(0) * x.dim(2), x.dim(1) * x.dim(3));
    }

    /**
     * Causal attention of {@code q [1, Hq, L, D]} against a cache that already holds this step's
     * keys and values (the queries are its last L positions). One query needs no mask.
     */
    public static Tensor causal(Tensor q, KvCache cache, float scale) {
        AttentionMask mask = q.dim(2) == 1 ? AttentionMask.none() : AttentionMask.causal();
        return q.backend().scaledDotProductAttention(q, cache.keys(), cache.values(), scale, mask);
    }
}
