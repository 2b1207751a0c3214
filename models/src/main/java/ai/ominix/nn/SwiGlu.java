package ai.ominix.nn;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;

/** The gated MLP {@code down(silu(gate(x)) ⊙ up(x))} of Qwen3 and MiniCPM. */
public record SwiGlu(Linear gate, Linear up, Linear down) {

    /** Loads {@code prefix.{gate,up,down}_proj} without biases. */
    public static SwiGlu load(Weights w, String prefix, int hidden, int intermediate) {
        return new SwiGlu(Linear.load(w, prefix + ".gate_proj", hidden, false),
                Linear.load(w, prefix + ".up_proj", hidden, false),
                Linear.load(w, prefix + ".down_proj", intermediate, false));
    }

    public Tensor apply(Tensor x) {
        Backend b = x.backend();
        Tensor[] gu = Linear.applyAll(x, gate, up);
        return down.apply(b.multiply(b.silu(gu[0]), gu[1]));
    }
}
