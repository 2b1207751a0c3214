package ai.ominix.models.sala;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ContextOverflowException;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.ModelLoadException;
import ai.ominix.generate.Sampler;
import ai.ominix.generate.StopStrings;
import ai.ominix.generate.ThinkSplitter;
import ai.ominix.kernel.Backend;
import ai.ominix.tokenizer.StreamDecoder;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import ai.ominix.weights.JsonFile;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** @param contextLength upper bound on prompt + completion tokens (also capped by max_position_embeddings) */
    public record Options(int contextLength) {
        public static final Options DEFAULT = new Options(32768);
    }

    /** One sequence being generated: the prompt in one call, then one token per call; host logits. */
    interface Sequence extends AutoCloseable {
        float[] prefill(int[] prompt);

        float[] next(int token);

        @Override
        void close();
    }

    private final String modelId;
    private final Supplier<Sequence> sequences;
    private final Runnable release;
    private final Tokenizer tokenizer;
    private final Set<Integer> eos;
    private final int contextLength;

    /** @param release frees the model when the engine is closed */
    SalaChatEngine(String modelId, Supplier<Sequence> sequences, Runnable release, Tokenizer tokenizer,
                   Set<Integer> eos, int contextLength) {
        this.modelId = modelId;
        this.sequences = sequences;
        this.release = release;
        this.tokenizer = tokenizer;
        this.eos = Set.copyOf(eos);
        this.contextLength = contextLength;
    }

    /** A sequence on the model: a fresh {@link SalaState} per request. */
    private static Supplier<Sequence> on(SalaModel model) {
        return () -> new Sequence() {
            private final SalaState state = model.newState();

            @Override
            public float[] prefill(int[] prompt) {
                return model.forwardLogits(prompt, state);
            }

            @Override
            public float[] next(int token) {
                return model.forwardLogits(new int[] {token}, state);
            }

            @Override
            public void close() {
                state.close();
            }
        };
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

    /** {@link #workingSetBytes(SalaConfig, int)} of a checkpoint at {@link #PLANNED_CONTEXT}. */
    public static long workingSetBytes(Path modelDir) {
        return workingSetBytes(SalaConfig.load(modelDir), PLANNED_CONTEXT);
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
            return new SalaChatEngine(name == null ? "minicpm-sala" : name.toString(), on(model), model::close, tokenizer, eos,
                    context);
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
        return tokenizer.encodeWithSpecial(SalaChatTemplate.render(request.messages(), request.noThink()));
    }

    @Override
    public Result generate(Request request, Cancellation cancel, TextSink sink) {
        Sampler sampler = sampler(request);
        if (request.maxTokens() < 1) {
            throw new InvalidRequestException("invalid_value", "max_tokens", "max_tokens must be at least 1");
        }
        int[] prompt = promptIds(request);
        if (prompt.length >= contextLength) {
            throw new ContextOverflowException("the prompt has " + prompt.length + " tokens; this model's context is "
                    + contextLength + " tokens (prompt + completion)");
        }
        int budget = Math.min(request.maxTokens(), contextLength - prompt.length);
        Output out = new Output(tokenizer.streamDecoder(true), request.stop(), sink);
        cancel.check();
        try (Sequence sequence = sequences.get()) {
            float[] logits = sequence.prefill(prompt);
            int sampled = 0;
            while (true) {
                int next = sampler.sample(logits);
                sampled++;
                if (eos.contains(next)) return out.finish(FinishReason.STOP, prompt.length, sampled);
                if (out.token(next)) return out.finish(FinishReason.STOP, prompt.length, sampled);
                if (sampled == budget) return out.finish(FinishReason.LENGTH, prompt.length, sampled);
                cancel.check();
                logits = sequence.next(next);
            }
        }
    }

    private static Sampler sampler(Request r) {
        if (!(r.temperature() >= 0 && r.temperature() <= 2)) {
            throw new InvalidRequestException("invalid_value", "temperature", "temperature must be between 0 and 2");
        }
        if (!(r.topP() > 0 && r.topP() <= 1)) {
            throw new InvalidRequestException("invalid_value", "top_p", "top_p must be in (0, 1]");
        }
        return new Sampler(r.temperature(), r.topP(), r.seed());
    }

    /** Token ids → UTF-8-complete text → reasoning / content → stop strings (content) → the sink and the result. */
    private static final class Output {
        private final StreamDecoder decoder;
        private final ThinkSplitter think = new ThinkSplitter();
        private final StopStrings stops;
        private final TextSink sink;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();

        Output(StreamDecoder decoder, List<String> stop, TextSink sink) {
            this.decoder = decoder;
            this.stops = new StopStrings(stop == null ? List.of() : stop);
            this.sink = sink;
        }

        /** Feeds one generated token; true when a stop string ended the answer. */
        boolean token(int id) {
            emit(decoder.push(id), false);
            return stops.stopped();
        }

        Result finish(FinishReason reason, int promptTokens, int completionTokens) {
            if (!stops.stopped()) emit(decoder.flush(), true);
            return new Result(text.toString(), reason, promptTokens, completionTokens,
                    reasoning.isEmpty() ? null : reasoning.toString(), 0, List.of(), null);
        }

        private void emit(String piece, boolean last) {
            ThinkSplitter.Split split = think.push(piece);
            if (last) {
                ThinkSplitter.Split rest = think.flush();
                split = new ThinkSplitter.Split(split.reasoning() + rest.reasoning(), split.content() + rest.content());
            }
            if (!split.reasoning().isEmpty()) {
                reasoning.append(split.reasoning());
                if (sink != null) sink.reasoning(split.reasoning());
            }
            String out = stops.push(split.content());
            if (last) out += stops.flush();
            if (out.isEmpty()) return;
            text.append(out);
            if (sink != null) sink.accept(out);
        }
    }

    @Override
    public void close() {
        release.run();
    }
}
