package ai.ominix.models.sala;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.nn.RmsNorm;
import ai.ominix.nn.SwiGlu;

/**
 * One decoder layer (§2): {@code x += mixer(norm(x))·α; x += mlp(norm(x))·α} with
 * {@code α = scale_depth/√L}; the mixer is sparse or lightning attention.
 */
final class SalaLayer {

    private final RmsNorm inputNorm;
    private final RmsNorm postNorm;
    private final SparseAttention sparse;         // exactly one of sparse / lightning is set
    private final LightningAttention lightning;
    private final SwiGlu mlp;
    private final float residual;

    SalaLayer(Weights w, int index, SalaConfig c, DecayRecurrence recurrence) {
        String prefix = "model.layers." + index + ".";
        this.inputNorm = RmsNorm.load(w, prefix + "input_layernorm", c.rmsNormEps());
        this.postNorm = RmsNorm.load(w, prefix + "post_attention_layernorm", c.rmsNormEps());
        boolean isSparse = c.mixers().get(index) == SalaConfig.Mixer.SPARSE;
        this.sparse = isSparse ? new SparseAttention(w, prefix + "self_attn.", c) : null;
        this.lightning = isSparse ? null : new LightningAttention(w, prefix + "self_attn.", c, recurrence);
        this.mlp = SwiGlu.load(w, prefix + "mlp", c.hiddenSize(), c.intermediateSize());
        this.residual = c.residualScale();
    }

    /** {@code x [T, D]} at positions {@code start..}. */
    Tensor forward(Tensor x, LayerCache cache, int start, boolean sparseMode) {
        Backend b = x.backend();
        Tensor n = inputNorm.apply(x);
        Tensor mixed = switch (cache) {
            case SparseCache kv -> sparse.forward(n, kv, start, sparseMode);
            case LightningState s -> lightning.forward(n, s, start);
        };
        x = b.add(x, b.scale(mixed, residual));
        return b.add(x, b.scale(mlp.apply(postNorm.apply(x)), residual));
    }
}
