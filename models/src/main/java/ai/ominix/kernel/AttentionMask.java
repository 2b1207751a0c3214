package ai.ominix.kernel;

/** The mask argument of {@link Backend#scaledDotProductAttention}. */
public sealed interface AttentionMask {

    static AttentionMask none() {
        return None.INSTANCE;
    }

    static AttentionMask causal() {
        return Causal.INSTANCE;
    }

    /** An additive f32 mask broadcastable to {@code [B, Hq, Lq, Lk]}; -inf blocks a position. */
    static AttentionMask additive(Tensor mask) {
        return new Additive(mask);
    }

    enum None implements AttentionMask { INSTANCE }

    enum Causal implements AttentionMask { INSTANCE }

    record Additive(Tensor mask) implements AttentionMask {}
}
