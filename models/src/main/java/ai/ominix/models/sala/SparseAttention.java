package ai.ominix.models.sala;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.nn.Attention;
import ai.ominix.nn.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sparse ({@code minicpm4}) mixer, §4: GQA softmax attention without RoPE, output gated by
 * {@code sigmoid(o_gate n)}. Dense causal attention while the call's total length N is below
 * {@code dense_len}; otherwise every query of the call attends only the blocks InfLLM-v2 selects
 * for its kv group ({@link BlockSelector}).
 */
final class SparseAttention implements Mixer {

    /** Upper bound on the floats of one additive block mask (queries × keys × groups)... */
    private static final long MASK_FLOATS = 1L << 22;
    /** ...and on the queries it covers (a 600-token prompt already spans several masks). */
    private static final int MASK_ROWS = 256;

    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear oGate;
    private final Linear oProj;
    private final int heads;
    private final int groups;
    private final int dim;
    private final float scale;
    private final SalaConfig.Sparse sparse;
    private final BlockSelector selector;

    SparseAttention(Weights w, String prefix, SalaConfig c) {
        int hidden = c.hiddenSize();
        this.heads = c.numHeads();
        this.groups = c.numKvHeads();
        this.dim = c.sparseHeadDim();
        this.scale = (float) (1 / Math.sqrt(dim));
        this.sparse = c.sparse();
        this.selector = new BlockSelector(sparse, dim);
        this.qProj = Linear.load(w, prefix + "q_proj", hidden, false);
        this.kProj = Linear.load(w, prefix + "k_proj", hidden, false);
        this.vProj = Linear.load(w, prefix + "v_proj", hidden, false);
        this.oGate = Linear.load(w, prefix + "o_gate", hidden, false);
        this.oProj = Linear.load(w, prefix + "o_proj", heads * dim, false);
    }

    @Override
    public Tensor[] project(Tensor n) {
        return Linear.applyAll(n, qProj, kProj, vProj, oGate);
    }

    @Override
    public Tensor mix(Tensor[] rows, LayerCache layerCache, int start, boolean sparseMode) {
        SparseCache cache = (SparseCache) layerCache;
        Tensor q = Attention.splitHeads(rows[0], 1, heads, dim);
        cache.kv.append(Attention.splitHeads(rows[1], 1, groups, dim), Attention.splitHeads(rows[2], 1, groups, dim));
        Tensor a = sparseMode
                ? selectedBlocks(q, cache.kv.keys(), cache.kv.values(), cache, start)
                : Attention.causal(q, cache.kv, scale);
        return Attention.mergeHeads(a);
    }

    @Override
    public Tensor output(Tensor mixed, Tensor[] proj) {
        Backend b = mixed.backend();
        return oProj.apply(b.multiply(mixed, b.sigmoid(proj[3])));
    }

    /** Block-sparse attention (§4.3 rule 7) for queries at {@code start..}, keys {@code [1, G, N, d]}. */
    private Tensor selectedBlocks(Tensor q, Tensor keys, Tensor values, SparseCache cache, int start) {
        Backend b = q.backend();
        int length = q.dim(2);
        int total = keys.dim(2);
        catchUp(cache, keys);
        int perGroup = heads / groups;
        // heads of one group become the batch's "heads" over a single shared kv head: [G, r, T, d] x [G, 1, N, d]
        Tensor k = b.reshape(keys, groups, 1, total, dim);
        Tensor v = b.reshape(values, groups, 1, total, dim);
        int rows = (int) Math.max(1, Math.min(Math.min(length, MASK_ROWS), MASK_FLOATS / ((long) groups * total)));
        List<Tensor> outs = new ArrayList<>();
        for (int t0 = 0; t0 < length; t0 += rows) {
            int t1 = Math.min(length, t0 + rows);
            int n = t1 - t0;
            Tensor qc = b.slice(q, 2, t0, t1);
            float[] qHost = b.toFloatArray(qc);                  // [H, n, d]
            float[] mask = new float[groups * n * total];
            Arrays.fill(mask, Float.NEGATIVE_INFINITY);
            int[] offsets = new int[perGroup];
            for (int t = 0; t < n; t++) {
                int p = start + t0 + t;
                for (int g = 0; g < groups; g++) {
                    for (int i = 0; i < perGroup; i++) offsets[i] = ((g * perGroup + i) * n + t) * dim;
                    boolean[] chosen = selector.select(qHost, offsets, cache.fine.means(g), cache.fine.visibleAt(p),
                            cache.coarse.means(g), cache.coarse.visibleAt(p), p);
                    int row = (g * n + t) * total;
                    for (int blk = 0; blk < chosen.length; blk++) {
                        if (!chosen[blk]) continue;
                        int from = blk * sparse.blockSize();
                        Arrays.fill(mask, row + from, row + Math.min(from + sparse.blockSize(), p + 1), 0f);
                    }
                }
            }
            Tensor m = b.fromArray(mask, groups, 1, n, total);
            Tensor o = b.scaledDotProductAttention(b.reshape(qc, groups, perGroup, n, dim), k, v, scale,
                    AttentionMask.additive(m));
            outs.add(b.reshape(o, 1, heads, n, dim));
        }
        return outs.size() == 1 ? outs.getFirst() : b.concatenate(outs, 2);
    }

    /** Brings the host-side compressed keys up to the cache (all keys on the first sparse call). */
    private static void catchUp(SparseCache cache, Tensor keys) {
        int done = cache.fine.consumed();
        int total = keys.dim(2);
        if (done == total) return;
        Backend b = keys.backend();
        float[] fresh = b.toFloatArray(b.slice(keys, 2, done, total));
        cache.fine.push(fresh, total - done);
        cache.coarse.push(fresh, total - done);
    }
}
