package ai.ominix.models.sala;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;

/**
 * The recurrent state {@code S [H, d, d]} (f32) of one lightning layer: its size does not depend on
 * the context length (§3.8). Starts at zero for every sequence.
 */
public final class LightningState implements LayerCache {

    private final Backend backend;
    private Tensor state;

    LightningState(Backend backend, int heads, int headDim) {
        this.backend = backend;
        this.state = Scope.detach(backend.zeros(DType.F32, heads, headDim, headDim));
    }

    /** An independent state equal to this one. */
    LightningState copy() {
        int[] shape = state.shape();
        LightningState c = new LightningState(backend, shape[0], shape[1]);
        try (Scope s = Scope.open()) {
            backend.sliceUpdate(c.state, state, 0, 0);
            backend.eval(c.state);
        }
        return c;
    }

    /** The current state (owned by this object; valid until the next {@link #replace}). */
    Tensor state() {
        return state;
    }

    /** Takes ownership of {@code next} (taking it out of the caller's scopes) and releases the previous state. */
    void replace(Tensor next) {
        if (next == state) return;
        Tensor previous = state;
        state = Scope.detach(next);
        previous.close();
    }

    @Override
    public void close() {
        state.close();
    }
}
