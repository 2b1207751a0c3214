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
final class LightningAttention {

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

    /** {@code n [T, D]} (normed layer input at positions {@code start..}) → {@code [T, D]}. */
    Tensor forward(Tensor n, LightningState state, int start) {
        Backend b = n.backend();
        int length = n.dim(0);
        Tensor[] proj = Linear.applyAll(n, qProj, kProj, vProj, zProj);
        Tensor q = heads(qNorm.apply(b.reshape(proj[0], length, heads, headDim)), start);
        Tensor k = heads(kNorm.apply(b.reshape(proj[1], length, kvHeads, headDim)), start);
        Tensor v = b.transpose(b.reshape(proj[2], length, kvHeads, headDim), 1, 0, 2);
        if (kvHeads < heads) {
            k = b.repeat(k, heads / kvHeads, 0);
            v = b.repeat(v, heads / kvHeads, 0);
        }
        Tensor o = length == 1 ? recurrence.recurrent(q, k, v, state) : recurrence.chunked(q, k, v, state);
        o = b.reshape(b.transpose(o, 1, 0, 2), length, heads * headDim);             // head-major concat
        o = b.multiply(oNorm.apply(o), b.sigmoid(proj[3]));
        return oProj.apply(o);
    }

    /** {@code [T, heads, d]} → {@code [heads, T, d]} with RoPE at positions {@code start..}. */
    private Tensor heads(Tensor x, int start) {
        Backend b = x.backend();
        return b.rope(b.transpose(x, 1, 0, 2), headDim, false, ropeTheta, 1f, start);
    }
}
