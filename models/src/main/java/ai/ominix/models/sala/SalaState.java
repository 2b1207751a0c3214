package ai.ominix.models.sala;

import ai.ominix.kernel.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Everything one sequence carries between forward calls: a {@link LayerCache} per layer and its length. */
public final class SalaState implements AutoCloseable {

    private final LayerCache[] layers;
    private int length;

    SalaState(LayerCache[] layers) {
        this.layers = layers;
    }

    /**
     * An independent state equal to this one: several answers to one prompt continue from one
     * prefill (and a prompt cache can keep a snapshot).
     */
    public SalaState copy() {
        LayerCache[] out = new LayerCache[layers.length];
        try {
            for (int i = 0; i < layers.length; i++) {
                out[i] = switch (layers[i]) {
                    case LightningState s -> s.copy();
                    case SparseCache kv -> kv.copy();
                };
            }
        } catch (RuntimeException e) {
            for (LayerCache c : out) if (c != null) c.close();
            throw e;
        }
        SalaState c = new SalaState(out);
        c.length = length;
        return c;
    }

    /** Tokens processed so far (the next token's position). */
    public int length() {
        return length;
    }

    LayerCache layer(int i) {
        return layers[i];
    }

    void advance(int tokens) {
        length += tokens;
    }

    /** The tensors a step must evaluate so that no lazy graph outlives it. */
    List<Tensor> pending() {
        List<Tensor> out = new ArrayList<>();
        for (LayerCache c : layers) {
            switch (c) {
                case LightningState s -> out.add(s.state());
                case SparseCache kv -> {
                    out.add(kv.kv.keys());
                    out.add(kv.kv.values());
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (LayerCache c : layers) c.close();
    }
}
