package ai.ominix.models.sala;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ContextOverflowException;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.ModelLoadException;
import ai.ominix.engine.OutputFormat;
import ai.ominix.generate.LogitAdjuster;
import ai.ominix.generate.Sampler;
import ai.ominix.kernel.Backend;
import ai.ominix.tokenizer.StreamDecoder;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import ai.ominix.weights.JsonFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Chat on a loaded MiniCPM-SALA: renders the conversation (ChatML, BOS added by the tokenizer),
 * prefills it in one forward call, then samples token by token until an EOS id, a stop string or
 * {@code max_tokens}. Text streams through the tokenizer's {@link StreamDecoder} (complete UTF-8
 * only), the optional {@code <think>} stripper and the stop-string filter. Cancellation is checked
 * before every forward call.
 *
 * <p>Usage counts: {@code prompt_tokens} = ids fed to the model (BOS included);
 * {@code completion_tokens} = tokens sampled, including the EOS or stop-string token that ended
 * the answer (it was generated, §5), never more than {@code max_tokens}.
 */
public final class SalaChatEngine implements ChatEngine {

    /**
     * @param contextLength    upper bound on prompt + completion tokens (also capped by max_position_embeddings)
     * @param promptCacheBytes budget of the {@link PromptCache} (0: none)
     * @param parallel         requests decoded together in one batched step (1: one request at a time, no batching thread)
     * @param prefillChunk     prompt tokens run between two batched decode steps (a multiple of {@link PromptCache#SEGMENT})
     */
    public record Options(int contextLength, long promptCacheBytes, int parallel, int prefillChunk) {
        public static final long DEFAULT_PROMPT_CACHE_BYTES = 1L << 30;
        /** Sequences one batched step may carry: the CPU kernels keep a row's bits whatever the batch up to this size. */
        public static final int MAX_PARALLEL = 16;
        /**
         * One segment between two steps: on the CPU backend a 9B segment takes ~9 s (7 tok/s on two
         * cores), which the streams already running wait once per step; a faster backend can take more.
         */
        public static final int DEFAULT_PREFILL_CHUNK = 64;
        /** The server's default ({@code ominix serve --parallel}). */
        public static final int DEFAULT_PARALLEL = 4;
        public static final Options DEFAULT = new Options(32768, DEFAULT_PROMPT_CACHE_BYTES);

        public Options {
            if (promptCacheBytes < 0) throw new IllegalArgumentException("the prompt cache size must be at least 0");
            if (parallel < 1 || parallel > MAX_PARALLEL) {
                throw new IllegalArgumentException("parallel must be between 1 and " + MAX_PARALLEL + ", got " + parallel);
            }
            if (prefillChunk < PromptCache.SEGMENT || prefillChunk % PromptCache.SEGMENT != 0) {
                throw new IllegalArgumentException("the prefill chunk must be a positive multiple of " + PromptCache.SEGMENT
                        + " tokens (prompts run in segments of that size), got " + prefillChunk);
            }
        }

        /** One request at a time. */
        public Options(int contextLength, long promptCacheBytes) {
            this(contextLength, promptCacheBytes, 1, DEFAULT_PREFILL_CHUNK);
        }

        public Options withParallel(int parallel, int prefillChunk) {
            return new Options(contextLength, promptCacheBytes, parallel, prefillChunk);
        }
    }

    /** One sequence being generated: the prompt in one call, then one token per call; host logits. */
    interface Sequence extends AutoCloseable {
        float[] prefill(int[] prompt);

        float[] next(int token);

        /** An independent sequence at the same point (the next choice of a request continues from the prompt's state). */
        default Sequence fork() {
            throw new UnsupportedOperationException("this sequence cannot be copied");
        }

        /** A copy of the model state for the prompt cache (the caller owns it); null when there is none. */
        default SalaState snapshot() {
            return null;
        }

        @Override
        void close();
    }

    private final String modelId;
    private final Supplier<Sequence> sequences;
    private final Runnable release;
    private final Tokenizer tokenizer;
    private final Set<Integer> eos;
    private final int contextLength;
    private final int toolCallToken;
    private final FormatConstraints constraints;
    private final PromptCache cache;
    private final java.util.function.Function<SalaState, Sequence> resume;
    /** The model's own thread when requests are batched (null: the caller's thread runs the model). */
    private final DecodeBatcher batcher;

    /** @param release frees the model when the engine is closed */
    SalaChatEngine(String modelId, Supplier<Sequence> sequences, Runnable release, Tokenizer tokenizer,
                   Set<Integer> eos, int contextLength) {
        this(modelId, sequences, release, tokenizer, eos, contextLength, null, null, null);
    }

    /**
     * @param cache  states of earlier prompts (null: none)
     * @param resume a sequence continuing from a cached state (it takes ownership)
     */
    SalaChatEngine(String modelId, Supplier<Sequence> sequences, Runnable release, Tokenizer tokenizer,
                   Set<Integer> eos, int contextLength, PromptCache cache, java.util.function.Function<SalaState, Sequence> resume,
                   DecodeBatcher batcher) {
        this.batcher = batcher;
        this.cache = cache;
        this.resume = resume;
        this.modelId = modelId;
        this.sequences = sequences;
        this.release = release;
        this.tokenizer = tokenizer;
        this.eos = Set.copyOf(eos);
        this.contextLength = contextLength;
        this.toolCallToken = tokenizer.tokenId(SalaToolFormat.TOOL_CALL);
        Set<Integer> callEnds = new HashSet<>(eos);
        if (toolCallToken >= 0) callEnds.add(toolCallToken);
        this.constraints = new FormatConstraints(tokenizer, this.eos, callEnds);
    }

    /** A sequence on the model: a fresh {@link SalaState} per request. */
    private static Supplier<Sequence> on(SalaModel model) {
        return () -> on(model, model.newState());
    }

    private static Sequence on(SalaModel model, SalaState state) {
        return new Sequence() {
            private Sequence of(SalaState copy) {
                return on(model, copy);
            }

            @Override
            public float[] prefill(int[] prompt) {
                return model.forwardLogits(prompt, state);
            }

            @Override
            public float[] next(int token) {
                return model.forwardLogits(new int[] {token}, state);
            }

            @Override
            public Sequence fork() {
                return of(state.copy());
            }

            @Override
            public SalaState snapshot() {
                return state.copy();
            }

            @Override
            public void close() {
                state.close();
            }
        };
    }

    /**
     * A sequence whose model work runs on the batcher's thread: its decode steps batched with the
     * other requests', its prompt segments between the steps.
     */
    private static Sequence batched(DecodeBatcher batcher, SalaState state) {
        return new Sequence() {
            private boolean decoding;

            @Override
            public float[] prefill(int[] prompt) {
                return batcher.prefill(state, prompt);
            }

            @Override
            public float[] next(int token) {
                if (!decoding) {
                    batcher.join();
                    decoding = true;
                }
                return batcher.step(state, token);
            }

            @Override
            public Sequence fork() {
                return batched(batcher, batcher.call(state::copy));
            }

            @Override
            public SalaState snapshot() {
                return batcher.call(state::copy);
            }

            @Override
            public void close() {
                if (decoding) {
                    decoding = false;
                    batcher.leave();
                }
                batcher.call(() -> {
                    state.close();
                    return null;
                });
            }
        };
    }

    /** Runs model work (states, the prompt cache) where the model runs: on the batcher's thread when there is one. */
    private <T> T onModel(Supplier<T> work) {
        return batcher == null ? work.get() : batcher.call(work);
    }

    /** Context length the server plans memory for: a long conversation, not the 32K bound. */
    public static final int PLANNED_CONTEXT = 8192;

    /**
     * Bytes one request may hold beside the weights at {@code contextTokens} of context (f32): the
     * sparse layers' keys and values, the lightning layers' fixed recurrent states, the prefill's
     * activations (hidden states, projections and the MLP's two intermediate rows per token) and
     * the logits. The server plans its memory budget with it; each token beyond adds
     * 2 · sparse_layers · kv_heads · head_dim · 4 bytes.
     */
    public static long workingSetBytes(SalaConfig c, int contextTokens) {
        long sparse = c.mixers().stream().filter(m -> m == SalaConfig.Mixer.SPARSE).count();
        long lightning = c.mixers().size() - sparse;
        long kv = sparse * 2L * c.numKvHeads() * c.sparseHeadDim() * Float.BYTES * contextTokens;
        long states = lightning * c.numHeads() * (long) c.headDim() * c.headDim() * Float.BYTES;
        long prefill = (long) contextTokens * (4L * c.hiddenSize() + 2L * c.intermediateSize()) * Float.BYTES;
        long logits = 2L * c.vocabSize() * Float.BYTES;
        return kv + states + prefill + logits;
    }

    /** A state's bytes after {@code length} tokens: the lightning layers' recurrent states and the sparse layers' keys and values. */
    static long snapshotBytes(SalaConfig c, int length) {
        long sparse = c.mixers().stream().filter(m -> m == SalaConfig.Mixer.SPARSE).count();
        long lightning = c.mixers().size() - sparse;
        return sparse * 2L * c.numKvHeads() * c.sparseHeadDim() * Float.BYTES * length
                + lightning * c.numHeads() * (long) c.headDim() * c.headDim() * Float.BYTES;
    }

    /** {@link #workingSetBytes(SalaConfig, int)} of a checkpoint at {@link #PLANNED_CONTEXT}. */
    public static long workingSetBytes(Path modelDir) {
        return workingSetBytes(modelDir, 1);
    }

    /**
     * The working set of {@code parallel} requests answered together: one request's, plus for each
     * other its state and logits (prompts run one segment at a time on the batching thread, so
     * their activations are not multiplied), at {@link #PLANNED_CONTEXT}.
     */
    public static long workingSetBytes(Path modelDir, int parallel) {
        SalaConfig c = SalaConfig.load(modelDir);
        return workingSetBytes(c, PLANNED_CONTEXT)
                + (parallel - 1L) * (snapshotBytes(c, PLANNED_CONTEXT) + 2L * c.vocabSize() * Float.BYTES);
    }

    /** {@link #load(Path, Backend, Options)} with the default context bound. */
    public static SalaChatEngine load(Path modelDir, Backend backend) {
        return load(modelDir, backend, Options.DEFAULT);
    }

    /** Loads model, tokenizer and stop ids from a checkpoint directory. */
    public static SalaChatEngine load(Path modelDir, Backend backend, Options options) {
        Tokenizer tokenizer = Tokenizers.load(modelDir);
        for (String special : List.of(SalaChatTemplate.IM_START, SalaChatTemplate.IM_END)) {
            if (tokenizer.tokenId(special) < 0) {
                throw new ModelLoadException(modelDir + ": tokenizer has no " + special + " token (ChatML)");
            }
        }
        SalaModel model = SalaModel.load(modelDir, backend);
        try {
            Set<Integer> eos = new HashSet<>(model.config().eosTokenIds());
            eos.addAll(generationEos(modelDir));
            tokenizer.eosId().ifPresent(eos::add);
            if (eos.isEmpty()) throw new ModelLoadException(modelDir + ": no eos_token_id in config or generation_config");
            int context = Math.min(options.contextLength(), model.config().maxPositionEmbeddings());
            Path name = modelDir.toAbsolutePath().normalize().getFileName();
            PromptCache cache = options.promptCacheBytes() == 0 ? null
                    : new PromptCache(options.promptCacheBytes(), length -> snapshotBytes(model.config(), length));
            String id = name == null ? "minicpm-sala" : name.toString();
            DecodeBatcher batcher = options.parallel() == 1 ? null
                    : new DecodeBatcher(model, id, options.parallel(), options.prefillChunk());
            Runnable release = () -> {
                if (batcher != null) batcher.close();
                if (cache != null) cache.close();
                model.close();
            };
            if (batcher == null) {
                return new SalaChatEngine(id, on(model), release, tokenizer, eos, context, cache, state -> on(model, state), null);
            }
            return new SalaChatEngine(id, () -> batched(batcher, batcher.call(model::newState)), release, tokenizer, eos, context,
                    cache, state -> batched(batcher, state), batcher);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Set<Integer> generationEos(Path modelDir) {
        Path file = modelDir.resolve("generation_config.json");
        if (!Files.exists(file)) return Set.of();
        return SalaConfig.tokenIds(JsonFile.read(file).path("eos_token_id"));
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    /** The prompt ids a request is answered from (rendered template, BOS included). */
    int[] promptIds(Request request) {
        List<OutputFormat.Tool> tools = request.format() instanceof OutputFormat.Tools t ? t.tools() : List.of();
        return tokenizer.encodeWithSpecial(SalaChatTemplate.render(request.messages(), tools, noThink(request)));
    }

    /**
     * Structured output and forced tool calls are constrained from the answer's first token, so the
     * model answers them without a think block (the block's end is plain text, and a constraint
     * that started inside a token would not be exact). {@code tool_choice: auto} keeps thinking:
     * a call starts with the {@code <|tool_call|>} token, whatever came before.
     */
    private static boolean noThink(Request request) {
        return request.noThink() || switch (request.format()) {
            case null -> false;
            case OutputFormat.Tools t -> !t.choice().equals(OutputFormat.Tools.AUTO) && !t.choice().equals(OutputFormat.Tools.NONE);
            default -> true;
        };
    }

    @Override
    public Result generate(Request request, Cancellation cancel, TextSink sink) {
        return generate(request, 1, cancel, index -> sink).getFirst();
    }

    /** The prompt is prefilled once; each further choice continues from a copy of its state. */
    @Override
    public List<Result> generate(Request request, int n, Cancellation cancel, ChoiceSink sinks) {
        if (n < 1 || n > MAX_CHOICES) {
            throw new InvalidRequestException("invalid_value", "n", "n must be between 1 and " + MAX_CHOICES);
        }
        validate(request);
        SalaAnswer.Steering steering = steering(request.format());
        int[] prompt = promptIds(request);
        if (prompt.length >= contextLength) {
            throw new ContextOverflowException("the prompt has " + prompt.length + " tokens; this model's context is "
                    + contextLength + " tokens (prompt + completion)");
        }
        int budget = Math.min(request.maxTokens(), contextLength - prompt.length);
        LogitAdjuster adjuster = LogitAdjuster.of(request.sampling(), prompt);
        cancel.check();
        List<Result> results = new ArrayList<>(n);
        Prefilled p = prefill(prompt, cancel);
        try (Sequence base = p.sequence()) {
            float[] logits = p.logits();
            for (int i = 0; i < n; i++) {
                boolean last = i == n - 1;
                Sequence sequence = last ? base : base.fork();
                try {
                    SalaAnswer answer = new SalaAnswer(tokenizer, eos, toolCallToken, sampler(request, i), adjuster.copy(),
                            last ? steering : steering.copy(), request.sampling().topLogprobs(), !noThink(request),
                            request.stop(), sinks == null ? null : sinks.choice(i));
                    results.add(answer.run(sequence, last ? logits : logits.clone(), prompt.length, budget, cancel)
                            .withCachedTokens(p.cached()));
                } finally {
                    if (!last) sequence.close();
                }
            }
        }
        return results;
    }

    /** {@link Options#parallel()}: requests decode together in one batched step. */
    @Override
    public int parallel() {
        return batcher == null ? 1 : batcher.maxBatch();
    }

    /** The batching thread, or null when requests run one at a time (for tests and metrics). */
    DecodeBatcher batcher() {
        return batcher;
    }

    /** The prompt cache, or null when off (for tests and metrics). */
    PromptCache promptCache() {
        return cache;
    }

    /** A prompt's sequence after its prefill, and how many of its tokens came from the cache. */
    private record Prefilled(Sequence sequence, float[] logits, int cached) {}

    /**
     * Prefills the prompt in {@link PromptCache#SEGMENT}-token calls at absolute positions,
     * resuming from the longest cached prefix and leaving snapshots at the boundaries the cache
     * keeps. Cached or cold, the calls from a boundary on are the same, and so is the answer.
     */
    private Prefilled prefill(int[] prompt, Cancellation cancel) {
        PromptCache.Hit hit = cache == null ? null : onModel(() -> cache.longest(prompt));
        Sequence s = hit == null ? sequences.get() : resume.apply(hit.state());
        int at = hit == null ? 0 : hit.length();
        try {
            float[] logits = null;
            while (at < prompt.length) {
                int end = Math.min(prompt.length, (at / PromptCache.SEGMENT + 1) * PromptCache.SEGMENT);
                logits = s.prefill(java.util.Arrays.copyOfRange(prompt, at, end));
                at = end;
                if (cache != null && at % PromptCache.SEGMENT == 0 && PromptCache.keeps(at, prompt.length) && cache.wants(prompt, at)) {
                    SalaState snap = s.snapshot();
                    int boundary = at;
                    if (snap != null) onModel(() -> {
                        cache.put(prompt, boundary, snap);
                        return null;
                    });
                }
                if (at < prompt.length) cancel.check();
            }
            return new Prefilled(s, logits, hit == null ? 0 : hit.length());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** At most this many choices per request (each holds its own copy of the prompt's state while it runs). */
    public static final int MAX_CHOICES = 8;

    private void validate(Request r) {
        if (r.maxTokens() < 1) {
            throw new InvalidRequestException("invalid_value", "max_tokens", "max_tokens must be at least 1");
        }
        if (!(r.temperature() >= 0 && r.temperature() <= 2)) {
            throw new InvalidRequestException("invalid_value", "temperature", "temperature must be between 0 and 2");
        }
        if (!(r.topP() > 0 && r.topP() <= 1)) {
            throw new InvalidRequestException("invalid_value", "top_p", "top_p must be in (0, 1]");
        }
        Sampling s = r.sampling();
        if (s.topK() < 0) throw new InvalidRequestException("invalid_value", "top_k", "top_k must be at least 0");
        if (!(s.minP() >= 0 && s.minP() <= 1)) throw new InvalidRequestException("invalid_value", "min_p", "min_p must be in [0, 1]");
        if (!(s.repetitionPenalty() > 0)) {
            throw new InvalidRequestException("invalid_value", "repetition_penalty", "repetition_penalty must be greater than 0");
        }
        if (s.topLogprobs() > 20) {
            throw new InvalidRequestException("invalid_value", "top_logprobs", "top_logprobs must be between 0 and 20");
        }
        for (int id : s.logitBias().keySet()) {
            if (id < 0 || id >= tokenizer.vocabSize()) {
                throw new InvalidRequestException("invalid_value", "logit_bias",
                        "logit_bias names token " + id + "; this model's token ids are 0.." + (tokenizer.vocabSize() - 1));
            }
        }
    }

    /** Choice {@code i} draws from seed + i, so a seeded request is reproducible and its choices differ. */
    private static Sampler sampler(Request r, int i) {
        Long seed = r.seed() == null ? null : r.seed() + i;
        return new Sampler(r.temperature(), r.topP(), r.sampling().topK(), r.sampling().minP(), seed);
    }

    private SalaAnswer.Steering steering(OutputFormat format) {
        return switch (format) {
            case null -> SalaAnswer.Steering.FREE;
            case OutputFormat.Tools t when t.choice().equals(OutputFormat.Tools.NONE) ->
                    new SalaAnswer.Steering(null, null, false, true);
            case OutputFormat.Tools t -> {
                if (toolCallToken < 0) {
                    throw new InvalidRequestException("unsupported_parameter", "tools",
                            "this model's tokenizer has no " + SalaToolFormat.TOOL_CALL + " token");
                }
                yield new SalaAnswer.Steering(null, constraints.toolCalls(t), !t.choice().equals(OutputFormat.Tools.AUTO), false);
            }
            default -> new SalaAnswer.Steering(constraints.text(format), null, false, false);
        };
    }

    @Override
    public void close() {
        release.run();
    }
}
