package ai.ominix.models.sala;

import ai.ominix.kernel.Backend;
import ai.ominix.nn.KvCache;

/**
 * State of one sparse layer: keys and values of every token (no positions: these layers use no
 * RoPE), plus the host-side compressed keys that InfLLM-v2 selection reads once the sequence
 * reaches {@code dense_len}. The compressed keys are built lazily from the cache on the first
 * sparse call, so short chats never copy keys to the host.
 */
public final class SparseCache implements LayerCache {

    final KvCache kv;
    final WindowMeans fine;
    final WindowMeans coarse;

    SparseCache(Backend backend, SalaConfig c) {
        int groups = c.numKvHeads();
        int dim = c.sparseHeadDim();
        SalaConfig.Sparse s = c.sparse();
        this.kv = new KvCache(backend, groups, dim);
        this.fine = new WindowMeans(s.kernelSize(), s.kernelStride(), groups, dim);
        this.coarse = new WindowMeans(4 * s.kernelSize(), 4 * s.kernelStride(), groups, dim);
    }

    private SparseCache(KvCache kv, WindowMeans fine, WindowMeans coarse) {
        this.kv = kv;
        this.fine = fine;
        this.coarse = coarse;
    }

    /** An independent cache equal to this one. */
    SparseCache copy() {
        return new SparseCache(kv.copy(), fine.copy(), coarse.copy());
    }

    /** Tokens held. */
    public int length() {
        return kv.length();
    }

    @Override
    public void close() {
        kv.close();
    }
}
