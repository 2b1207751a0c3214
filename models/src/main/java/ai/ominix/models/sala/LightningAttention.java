package ai.ominix.models.sala;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.nn.Linear;
import ai.ominix.nn.RmsNorm;

/**
 * A lightning (linear attention) mixer, §3: q/k RMSNorm per head → RoPE (rotate-half) → the
 * decaying recurrence → RMSNorm over all heads → {@code ⊙ sigmoid(z_proj n)} → {@code o_proj}.
 */
final class LightningAttention implements Mixer {

    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear zProj;
    private final Linear oProj;
    private final RmsNorm qNorm;
    private final RmsNorm kNorm;
    private final RmsNorm oNorm;
    private final DecayRecurrence recurrence;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float ropeTheta;

    LightningAttention(Weights w, String prefix, SalaConfig c, DecayRecurrence recurrence) {
        int hidden = c.hiddenSize();
        this.heads = c.numHeads();
        this.kvHeads = c.lightningKvHeads();
        this.headDim = c.headDim();
        this.ropeTheta = c.ropeTheta();
        this.qProj = Linear.load(w, prefix + "q_proj", hidden, false);
        this.kProj = Linear.load(w, prefix + "k_proj", hidden, false);
        this.vProj = Linear.load(w, prefix + "v_proj", hidden, false);
        this.zProj = Linear.load(w, prefix + "z_proj", hidden, false);
        this.oProj = Linear.load(w, prefix + "o_proj", heads * headDim, false);
        this.qNorm = RmsNorm.load(w, prefix + "q_norm", c.rmsNormEps());
        this.kNorm = RmsNorm.load(w, prefix + "k_norm", c.rmsNormEps());
        this.oNorm = RmsNorm.load(w, prefix + "o_norm", c.rmsNormEps());
        this.recurrence = recurrence;
    }

    @Override
    public Tensor[] project(Tensor n) {
        return Linear.applyAll(n, qProj, kProj, vProj, zProj);
    }

    @Override
    public Tensor mix(Tensor[] rows, LayerCache cache, int start, boolean sparseMode) {
        LightningState state = (LightningState) cache;
        Backend b = rows[0].backend();
        int length = rows[0].dim(0);
        Tensor q = heads(qNorm.apply(b.reshape(rows[0], length, heads, headDim)), start);
        Tensor k = heads(kNorm.apply(b.reshape(rows[1], length, kvHeads, headDim)), start);
        Tensor v = b.transpose(b.reshape(rows[2], length, kvHeads, headDim), 1, 0, 2);
        if (kvHeads < heads) {
            k = b.repeat(k, heads / kvHeads, 0);
            v = b.repeat(v, heads / kvHeads, 0);
        }
        Tensor o = length == 1 ? recurrence.recurrent(q, k, v, state) : recurrence.chunked(q, k, v, state);
        return b.reshape(b.transpose(o, 1, 0, 2), length, heads * headDim);             // head-major concat
    }

    @Override
    public Tensor output(Tensor mixed, Tensor[] proj) {
        Backend b = mixed.backend();
        return oProj.apply(b.multiply(oNorm.apply(mixed), b.sigmoid(proj[3])));
    }

    /** {@code [T, heads, d]} → {@code [heads, T, d]} with RoPE at positions {@code start..}. */
    private Tensor heads(Tensor x, int start) {
        Backend b = x.backend();
        return b.rope(b.transpose(x, 1, 0, 2), headDim, false, ropeTheta, 1f, start);
    }
}
