package ai.ominix.models.sala;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.nn.Embedding;
import ai.ominix.nn.Linear;
import ai.ominix.nn.RmsNorm;
import java.nio.file.Path;
import java.util.List;

/**
 * MiniCPM-SALA (§2): {@code x = E[tokens]·scale_emb}, the hybrid layer stack, final RMSNorm, and
 * logits {@code (h / (D/dim_model_base))·W_lmᵀ} for the last position only. Immutable and shared;
 * per-sequence state lives in {@link SalaState}.
 */
public final class SalaModel implements AutoCloseable {

    private final SalaConfig config;
    private final Backend backend;
    private final Weights weights;
    private final Embedding embedding;
    private final SalaLayer[] layers;
    private final RmsNorm finalNorm;
    private final Linear lmHead;          // null when tied to the embedding
    private final DecayRecurrence recurrence;

    private SalaModel(SalaConfig config, Backend backend, Weights weights) {
        this.config = config;
        this.backend = backend;
        this.weights = weights;
        SalaWeights.check(config, weights);
        int hidden = config.hiddenSize();
        this.embedding = Embedding.load(weights, "model.embed_tokens", hidden);
        this.recurrence = new DecayRecurrence(backend, config.numHeads(), config.lightningScale());
        this.layers = new SalaLayer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) layers[i] = new SalaLayer(weights, i, config, recurrence);
        this.finalNorm = RmsNorm.load(weights, "model.norm", config.rmsNormEps());
        this.lmHead = config.tieWordEmbeddings() ? null : Linear.load(weights, "lm_head", hidden, false);
    }

    /** Loads a checkpoint directory in the MLX layout (§7): 8-bit, 4-bit or unquantized, single file or sharded. */
    public static SalaModel load(Path modelDir, Backend backend) {
        SalaConfig config = SalaConfig.load(modelDir);
        List<Path> files = SalaWeights.files(modelDir);
        Weights weights;
        try {
            weights = backend.loadWeights(files);
        } catch (RuntimeException e) {
            throw new ModelLoadException("cannot load weights of " + modelDir + ": " + e.getMessage(), e);
        }
        try {
            return new SalaModel(config, backend, weights);
        } catch (RuntimeException e) {
            weights.close();
            throw e instanceof ModelLoadException m ? m
                    : new ModelLoadException("cannot load " + modelDir + ": " + e.getMessage(), e);
        }
    }

    public SalaConfig config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    /** Bytes of weights as stored. */
    public long weightBytes() {
        return weights.byteSize();
    }

    /** Fresh per-sequence state (empty caches, zero recurrent states). */
    public SalaState newState() {
        LayerCache[] caches = new LayerCache[layers.length];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = config.mixers().get(i) == SalaConfig.Mixer.SPARSE
                    ? new SparseCache(backend, config)
                    : new LightningState(backend, config.numHeads(), config.headDim());
        }
        return new SalaState(caches);
    }

    /**
     * A state as if {@code length} tokens had been processed, holding random keys, values and
     * recurrent states: lets benchmarks decode at long context without a long prefill (decode cost
     * does not depend on the values). Not for generating text.
     */
    public SalaState syntheticState(int length, long seed) {
        SalaState state = newState();
        java.util.Random r = new java.util.Random(seed);
        int groups = config.numKvHeads();
        int dim = config.sparseHeadDim();
        for (int i = 0; i < layers.length; i++) {
            switch (state.layer(i)) {
                case SparseCache c -> {
                    for (int done = 0; done < length; ) {
                        int n = Math.min(1024, length - done);
                        try (Scope s = Scope.open()) {
                            c.kv.append(backend.fromArray(gaussian(r, groups * n * dim, 0.5f), 1, groups, n, dim),
                                    backend.fromArray(gaussian(r, groups * n * dim, 0.5f), 1, groups, n, dim));
                            backend.eval(c.kv.keys(), c.kv.values());
                        }
                        done += n;
                    }
                }
                case LightningState l -> {
                    int h = config.numHeads();
                    int d = config.headDim();
                    l.replace(backend.fromArray(gaussian(r, h * d * d, 0.01f), h, d, d));
                }
            }
        }
        state.advance(length);
        return state;
    }

    private static float[] gaussian(java.util.Random r, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * std;
        return a;
    }

    /** Bytes of weights one decode step reads: everything but the embedding table, of which one row. */
    public long weightBytesPerToken() {
        if (config.tieWordEmbeddings()) return weights.byteSize();
        Tensor table = weights.get("model.embed_tokens.weight");
        long tableBytes = table.size() * table.dtype().byteSize();
        if (weights.contains("model.embed_tokens.scales")) {
            Tensor sc = weights.get("model.embed_tokens.scales");
            tableBytes += 2 * sc.size() * sc.dtype().byteSize();
        }
        return weights.byteSize() - tableBytes + tableBytes / table.dim(0);
    }

    /**
     * One forward call over {@code tokens} at positions {@code state.length()..}: updates the state
     * and returns the logits of the last token as f32 {@code [vocab]} (tracked by the caller's scope).
     * The sparse layers attend densely iff the total length after the call is below
     * {@code dense_len} (§4.2), so splitting a prompt into calls can change the result.
     */
    public Tensor forward(int[] tokens, SalaState state) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens");
        return backend.reshape(forward(tokens, Rows.of(new SalaState[] {state}, new int[] {tokens.length}, config.sparse().denseLen())), -1);
    }

    /**
     * One decode step of several sequences in one call: token {@code tokens[i]} of
     * {@code states[i]} at its own position. Returns {@code [B, vocab]} f32 logits, row {@code i}
     * equal to what {@link #forward} gives that sequence alone (row-wise kernels; the weights are
     * read once for all rows).
     */
    public Tensor decode(int[] tokens, SalaState[] states) {
        if (tokens.length != states.length || tokens.length == 0) throw new IllegalArgumentException("one token per state");
        int[] ones = new int[tokens.length];
        java.util.Arrays.fill(ones, 1);
        return forward(tokens, Rows.of(states, ones, config.sparse().denseLen()));
    }

    /** The rows of every sequence in one call: the logits of each one's last row, {@code [sequences, vocab]}. */
    private Tensor forward(int[] tokens, Rows rows) {
        Backend b = backend;
        Tensor logits;
        try (Scope step = Scope.open()) {
            Tensor x = b.scale(embedding.lookup(b.fromArray(tokens, tokens.length)), config.scaleEmb());
            for (int i = 0; i < layers.length; i++) {
                // a layer's intermediates die with it ([T, 16384] f32 each for the MLP), so the next
                // layer reuses their pooled memory instead of the prompt holding all 32 layers' worth
                try (Scope layer = Scope.open()) {
                    x = layer.keep(layers[i].forward(x, rows, i));
                }
            }
            List<Tensor> lasts = new java.util.ArrayList<>(rows.sequences());
            for (int i = 0, end = 0; i < rows.sequences(); i++) {
                end += rows.lengths()[i];
                lasts.add(b.slice(x, 0, end - 1, end));
            }
            Tensor last = lasts.size() == 1 ? lasts.getFirst() : rows.total() == rows.sequences() ? x : b.concatenate(lasts, 0);
            Tensor h = b.scale(finalNorm.apply(last), 1f / config.logitDivisor());
            logits = lmHead == null ? embedding.asLinear(h) : lmHead.apply(h);
            List<Tensor> pending = new java.util.ArrayList<>();
            for (SalaState s : rows.states()) pending.addAll(s.pending());
            pending.add(logits);
            b.eval(pending.toArray(Tensor[]::new));
            step.keep(logits);
        }
        for (int i = 0; i < rows.sequences(); i++) rows.states()[i].advance(rows.lengths()[i]);
        return logits;
    }

    /** {@link #forward} with the logits copied to the host. */
    public float[] forwardLogits(int[] tokens, SalaState state) {
        try (Scope s = Scope.open()) {
            return backend.toFloatArray(forward(tokens, state));
        }
    }

    @Override
    public void close() {
        recurrence.close();
        weights.close();
    }
}
