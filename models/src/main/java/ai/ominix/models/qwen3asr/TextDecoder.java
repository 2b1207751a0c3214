package ai.ominix.models.qwen3asr;

import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.nn.Attention;
import ai.ominix.nn.Embedding;
import ai.ominix.nn.KvCache;
import ai.ominix.nn.Linear;
import ai.ominix.nn.RmsNorm;
import ai.ominix.nn.SwiGlu;
import java.util.ArrayList;
import java.util.List;

/**
 * The Qwen3 decoder (qwen3-asr.md §5): per layer
 * {@code h += o(attn(rope(qnorm(q(n))), rope(knorm(k(n))), v(n)))}, {@code n = rmsnorm(h)}, then
 * {@code h += down(silu(gate(z)) ⊙ up(z))}, {@code z = rmsnorm(h)}; logits {@code = norm(h)·Eᵀ}
 * with the tied embedding E (or {@code lm_head} when the config unties them). The interleaved
 * MRoPE of the config reduces to plain rotate-half RoPE because all three position components
 * are equal for audio + text input.
 */
final class TextDecoder {

    /** Prompt tokens per prefill evaluation: bounds the attention scores on long audio. */
    private static final int PREFILL_CHUNK = 512;

    private record Layer(RmsNorm inputNorm, Linear q, Linear k, Linear v, Linear o, RmsNorm qNorm, RmsNorm kNorm,
                         RmsNorm postNorm, SwiGlu mlp) {}

    private final Qwen3AsrConfig.Text config;
    private final Embedding embed;
    private final Linear lmHead;
    private final List<Layer> layers = new ArrayList<>();
    private final RmsNorm norm;
    private final float scale;

    TextDecoder(Weights w, Qwen3AsrConfig.Text c) {
        this.config = c;
        embed = Embedding.load(w, "model.embed_tokens", c.hidden());
        lmHead = !c.tieWordEmbeddings() && w.contains("lm_head.weight") ? Linear.load(w, "lm_head", c.hidden(), false) : null;
        float eps = c.rmsNormEps();
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            layers.add(new Layer(
                    RmsNorm.load(w, p + "input_layernorm", eps),
                    Linear.load(w, p + "self_attn.q_proj", c.hidden(), false),
                    Linear.load(w, p + "self_attn.k_proj", c.hidden(), false),
                    Linear.load(w, p + "self_attn.v_proj", c.hidden(), false),
                    Linear.load(w, p + "self_attn.o_proj", c.heads() * c.headDim(), false),
                    RmsNorm.load(w, p + "self_attn.q_norm", eps),
                    RmsNorm.load(w, p + "self_attn.k_norm", eps),
                    RmsNorm.load(w, p + "post_attention_layernorm", eps),
                    SwiGlu.load(w, p + "mlp", c.hidden(), c.intermediate())));
        }
        norm = RmsNorm.load(w, "model.norm", eps);
        scale = (float) (1.0 / Math.sqrt(c.headDim()));
    }

    int vocabRows() {
        return lmHead != null ? lmHead.outFeatures() : embed.vocabSize();
    }

    /** Per-request state: one KV cache per layer. */
    final class State implements AutoCloseable {
        private final List<KvCache> caches = new ArrayList<>();

        State(Backend b) {
            for (int i = 0; i < layers.size(); i++) caches.add(new KvCache(b, config.kvHeads(), config.headDim()));
        }

        /** Positions consumed so far (the next token's position). */
        int length() {
            return caches.getFirst().length();
        }

        @Override
        public void close() {
            for (KvCache c : caches) c.close();
        }
    }

    State newState(Backend b) {
        return new State(b);
    }

    /** {@code ids -> [n, hidden]} f32 rows of the embedding. */
    Tensor embed(Backend b, int[] ids) {
        return embed.lookup(b.fromArray(ids, ids.length));
    }

    /**
     * Runs the prompt {@code x [L, hidden]} in chunks (one evaluation each) and returns the
     * logits {@code [vocab]} of its last position only. The result belongs to the caller's scope.
     */
    Tensor prefill(Backend b, Tensor x, State state, Cancellation cancel) {
        int n = x.dim(0);
        Tensor hidden = null;
        for (int start = 0; start < n; start += PREFILL_CHUNK) {
            if (cancel != null) cancel.check();
            int end = Math.min(n, start + PREFILL_CHUNK);
            try (Scope s = Scope.open()) {
                Tensor h = layers(b, b.slice(x, 0, start, end), state);
                if (end == n) {
                    hidden = s.keep(b.slice(h, 0, end - start - 1, end - start));
                }
                b.eval(end == n ? hidden : h);
            }
        }
        return logits(b, hidden);
    }

    /** One decode step for {@code token}; returns logits {@code [vocab]} (caller's scope). */
    Tensor step(Backend b, int token, State state) {
        return logits(b, layers(b, embed(b, new int[] {token}), state));
    }

    private Tensor logits(Backend b, Tensor lastHidden) {
        Tensor h = norm.apply(lastHidden);
        Tensor out = lmHead != null ? lmHead.apply(h) : embed.asLinear(h);
        return b.reshape(out, out.dim(-1));
    }

    private Tensor layers(Backend b, Tensor h, State state) {
        int offset = state.length();
        for (int i = 0; i < layers.size(); i++) {
            // a layer's intermediates die with it, so the next layer reuses their pooled memory
            // (a 400-token prefill otherwise holds ~1 GB of them until the chunk ends)
            try (Scope layerScope = Scope.open()) {
                h = layerScope.keep(layer(b, layers.get(i), state.caches.get(i), h, offset));
            }
        }
        return h;
    }

    private Tensor layer(Backend b, Layer l, KvCache cache, Tensor h, int offset) {
        Tensor[] qkv = Linear.applyAll(l.inputNorm().apply(h), l.q(), l.k(), l.v());
        Tensor q = l.qNorm().apply(Attention.splitHeads(qkv[0], 1, config.heads(), config.headDim()));
        Tensor k = l.kNorm().apply(Attention.splitHeads(qkv[1], 1, config.kvHeads(), config.headDim()));
        Tensor v = Attention.splitHeads(qkv[2], 1, config.kvHeads(), config.headDim());
        q = b.rope(q, config.headDim(), false, config.ropeTheta(), 1f, offset);
        k = b.rope(k, config.headDim(), false, config.ropeTheta(), 1f, offset);
        cache.append(k, v);
        h = b.add(h, l.o().apply(Attention.mergeHeads(Attention.causal(q, cache, scale))));
        return b.add(h, l.mlp().apply(l.postNorm().apply(h)));
    }
}
