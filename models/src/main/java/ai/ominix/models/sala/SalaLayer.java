package ai.ominix.models.sala;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.nn.RmsNorm;
import ai.ominix.nn.SwiGlu;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoder layer (§2): {@code x += mixer(norm(x))·α; x += mlp(norm(x))·α} with
 * {@code α = scale_depth/√L}; the mixer is sparse or lightning attention.
 */
final class SalaLayer {

    private final RmsNorm inputNorm;
    private final RmsNorm postNorm;
    private final Mixer mixer;
    private final SwiGlu mlp;
    private final float residual;

    SalaLayer(Weights w, int index, SalaConfig c, DecayRecurrence recurrence) {
        String prefix = "model.layers." + index + ".";
        this.inputNorm = RmsNorm.load(w, prefix + "input_layernorm", c.rmsNormEps());
        this.postNorm = RmsNorm.load(w, prefix + "post_attention_layernorm", c.rmsNormEps());
        boolean isSparse = c.mixers().get(index) == SalaConfig.Mixer.SPARSE;
        this.mixer = isSparse ? new SparseAttention(w, prefix + "self_attn.", c)
                : new LightningAttention(w, prefix + "self_attn.", c, recurrence);
        this.mlp = SwiGlu.load(w, prefix + "mlp", c.hiddenSize(), c.intermediateSize());
        this.residual = c.residualScale();
    }

    /**
     * {@code x [R, D]}, the rows of {@code rows}' sequences; layer {@code index}'s cache of each.
     * Everything but the attention is row-wise and runs once over all rows.
     */
    Tensor forward(Tensor x, Rows rows, int index) {
        Backend b = x.backend();
        Tensor n = inputNorm.apply(x);
        Tensor[] proj = mixer.project(n);
        List<Tensor> mixed = new ArrayList<>(rows.sequences());
        for (int i = 0, at = 0; i < rows.sequences(); at += rows.lengths()[i], i++) {
            int from = at, to = at + rows.lengths()[i];
            Tensor[] own = rows.sequences() == 1 ? proj
                    : java.util.Arrays.stream(proj).map(p -> b.slice(p, 0, from, to)).toArray(Tensor[]::new);
            mixed.add(mixer.mix(own, rows.states()[i].layer(index), rows.starts()[i], rows.sparseMode(i)));
        }
        Tensor m = mixed.size() == 1 ? mixed.getFirst() : b.concatenate(mixed, 0);
        x = b.add(x, b.scale(mixer.output(m, proj), residual));
        return b.add(x, b.scale(mlp.apply(postNorm.apply(x)), residual));
    }
}
