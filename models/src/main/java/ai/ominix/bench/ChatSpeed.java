package ai.ominix.bench;

import static ai.ominix.bench.GenerationMetrics.*;

import ai.ominix.generate.Sampler;
import ai.ominix.generate.TokenConstraint;
import ai.ominix.generate.json.JsonGrammar;
import ai.ominix.generate.json.TokenTrie;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.models.sala.SalaModel;
import ai.ominix.models.sala.SalaState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.nio.file.Path;

/**
 * One timed chat generation on MiniCPM-SALA as the chat engine runs it: a prompt of exactly
 * {@code promptTokens} ids (BOS, then fixed pseudo-random ordinary tokens) in one forward call,
 * then exactly {@code newTokens} greedy decode steps with EOS ignored. Reported next to the
 * ceilings of the same invocation: prefill against the f32 FMA peak, decode against the
 * read-bandwidth bound.
 */
public final class ChatSpeed implements ModelBench.Speed {

    public static final Metric TTFT = new Metric("ttft_s", "time to first token", "s");
    public static final Metric MASK_MS = new Metric("mask_ms_per_token", "JSON constraint per token (mask + advance)", "ms", 1e3);
    public static final Metric MASK_MAX_MS = new Metric("mask_max_ms", "slowest constraint step (a new state's trie walk)", "ms", 1e3);
    public static final Metric MASK_OF_STEP = new Metric("mask_of_decode_step", "constraint time of the model's decode step", "%", 100);

    public static final List<Metric> METRICS = List.of(PROMPT_TOKENS, PREFILL_S, PREFILL_RATE, PREFILL_OF_PEAK, TTFT,
            DECODE_TOKENS, DECODE_S, DECODE_RATE, DECODE_BOUND, DECODE_OF_BOUND, TOTAL_S, CPU_S, CPU_PER_TOKEN, PEAK_RSS);

    private final SalaModel model;
    private final int[] prompt;
    private final int newTokens;
    private final long weightBytesPerToken;
    private final Structured structured;

    /**
     * Decoding under a JSON constraint: the grammar compiled against {@code vocabulary}'s
     * tokenizer (the model's own, or a real one standing in for it), whose logits are the
     * model's (repeated when that vocabulary is larger); a finished document starts the next.
     */
    public record Structured(JsonGrammar grammar, int vocabSize, int[] ends) {
        public static Structured of(String format, Path tokenizerDir) {
            Tokenizer tok = Tokenizers.load(tokenizerDir);
            TokenTrie trie = TokenTrie.of(tok, id -> false);
            String schema;
            try {
                schema = format.equals("json_object") ? null : Files.readString(Path.of(format));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the schema " + format + ": " + e.getMessage());
            }
            JsonGrammar g = schema == null ? JsonGrammar.anyObject(trie) : JsonGrammar.schema(schema, trie);
            return new Structured(g, tok.vocabSize(), new int[] {tok.eosId().orElse(0)});
        }
    }

    public ChatSpeed(SalaModel model, int promptTokens, int newTokens) {
        this(model, promptTokens, newTokens, null);
    }

    public ChatSpeed(SalaModel model, int promptTokens, int newTokens, Structured structured) {
        SalaConfig c = model.config();
        if (promptTokens < 1) throw new IllegalArgumentException("--prompt-tokens must be at least 1");
        if (newTokens < 1) throw new IllegalArgumentException("--new-tokens must be at least 1");
        checkFits(c, promptTokens, newTokens);
        this.model = model;
        this.prompt = prompt(c, promptTokens);
        this.newTokens = newTokens;
        this.weightBytesPerToken = model.weightBytesPerToken();
        this.structured = structured;
    }

    /**
     * What {@code ominix bench chat} measures.
     *
     * @param format        null, {@code json_object} or a JSON-schema file: decode under that constraint
     * @param maskTokenizer the tokenizer whose vocabulary the constraint masks (null: the model's)
     */
    public record Options(Path model, int promptTokens, int newTokens, RunOptions run, String format, Path maskTokenizer) {
        public Options(Path model, int promptTokens, int newTokens, RunOptions run) {
            this(model, promptTokens, newTokens, run, null, null);
        }

        public Options {
            if (promptTokens < 1) throw new IllegalArgumentException("--prompt-tokens must be at least 1, got " + promptTokens);
            if (newTokens < 1) throw new IllegalArgumentException("--new-tokens must be at least 1, got " + newTokens);
        }
    }

    /** Loads the model on the asked backend and measures {@code warmup + repeat} runs (only the latter reported). */
    public static BenchResult measure(Options o, String command, Repetitions.Listener listener) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("prompt_tokens", o.promptTokens());
        settings.put("new_tokens", o.newTokens());
        checkFits(SalaConfig.load(o.model()), o.promptTokens(), o.newTokens());
        Structured structured = null;
        List<Metric> metrics = METRICS;
        if (o.format() != null) {
            Path vocab = o.maskTokenizer() != null ? o.maskTokenizer() : o.model();
            structured = Structured.of(o.format(), vocab);
            settings.put("format", o.format());
            settings.put("mask_tokenizer", vocab.toString());
            settings.put("mask_vocab_size", structured.vocabSize());
            metrics = new java.util.ArrayList<>(METRICS);
            metrics.addAll(List.of(MASK_MS, MASK_MAX_MS, MASK_OF_STEP));
        }
        Structured s = structured;
        return ModelBench.run("chat", command, o.run(), o.model(), metrics, settings, backend -> {
            SalaModel model = SalaModel.load(o.model(), backend);
            ChatSpeed speed = new ChatSpeed(model, o.promptTokens(), o.newTokens(), s);
            return new ModelBench.Loaded(speed, Map.of("weight_bytes_per_token", speed.weightBytesPerToken), model::close);
        }, listener);
    }

    private static void checkFits(SalaConfig c, int promptTokens, int newTokens) {
        if ((long) promptTokens + newTokens > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("prompt + new tokens (" + ((long) promptTokens + newTokens) + ") exceed the model's "
                    + c.maxPositionEmbeddings() + " positions");
        }
    }

    /** BOS then ids drawn (fixed seed) below the added tokens, so every run and machine feeds the same prompt. */
    static int[] prompt(SalaConfig c, int length) {
        Random r = new Random(1);
        int[] ids = new int[length];
        int first = c.bosTokenId() == null ? 0 : 1;
        if (first == 1) ids[0] = c.bosTokenId();
        int ordinary = c.vocabSize() - 11;   // stay clear of <unk>/<s>/</s> and the 8 chat tokens at the end
        for (int i = first; i < length; i++) ids[i] = 3 + r.nextInt(ordinary);
        return ids;
    }

    /** One generation; the ratios to the ceilings are added by {@link #withCeilings}. */
    @Override
    public Map<Metric, Double> once() {
        long cpu0 = ProcessStats.cpuNanos();
        try (SalaState state = model.newState()) {
            long t0 = System.nanoTime();
            float[] logits = model.forwardLogits(prompt, state);
            long t1 = System.nanoTime();
            int token = Sampler.argmax(logits);
            long t2 = System.nanoTime();
            long cpuAtFirstToken = ProcessStats.cpuNanos();
            long[] mask = {0, 0}; // total, slowest
            if (structured == null) {
                for (int i = 0; i < newTokens; i++) token = Sampler.argmax(model.forwardLogits(new int[] {token}, state));
            } else {
                decodeStructured(token, state, mask);
            }
            long t3 = System.nanoTime();
            long cpu1 = ProcessStats.cpuNanos();
            double prefillS = (t1 - t0) / 1e9;
            double decodeS = (t3 - t2) / 1e9;
            Map<Metric, Double> m = new HashMap<>();
            m.put(PROMPT_TOKENS, (double) prompt.length);
            m.put(PREFILL_S, prefillS);
            m.put(PREFILL_RATE, prompt.length / prefillS);
            m.put(TTFT, (t2 - t0) / 1e9);
            m.put(DECODE_TOKENS, (double) newTokens);
            m.put(DECODE_S, decodeS);
            m.put(DECODE_RATE, newTokens / decodeS);
            m.put(TOTAL_S, (t3 - t0) / 1e9);
            m.put(CPU_S, cpu0 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9);
            m.put(CPU_PER_TOKEN, cpu0 < 0 ? Double.NaN : (cpu1 - cpuAtFirstToken) / 1e9 / newTokens);
            m.put(PEAK_RSS, (double) ProcessStats.peakRssBytes());
            if (structured != null) {
                m.put(MASK_MS, mask[0] / 1e9 / newTokens);
                m.put(MASK_MAX_MS, mask[1] / 1e9);
                m.put(MASK_OF_STEP, mask[0] / (double) ((t3 - t2) - mask[0]));
            }
            return m;
        }
    }

    /** The decode steps under the constraint; adds the constraint's time to {@code mask[0]}, its slowest step to {@code mask[1]}. */
    private void decodeStructured(int token, SalaState state, long[] mask) {
        TokenConstraint c = structured.grammar().constraint(structured.ends());
        int vocab = model.config().vocabSize();
        float[] masked = new float[structured.vocabSize()];
        for (int i = 0; i < newTokens; i++) {
            float[] logits = model.forwardLogits(new int[] {token % vocab}, state);
            long a = System.nanoTime();
            for (int j = 0; j < masked.length; j++) masked[j] = logits[j % logits.length];
            c.mask(masked);
            token = Sampler.argmax(masked);
            boolean end = false;
            for (int e : structured.ends()) end |= e == token;
            if (end) c = structured.grammar().constraint(structured.ends()); // the document is done: the next one
            else c.accept(token);
            long d = System.nanoTime() - a;
            mask[0] += d;
            mask[1] = Math.max(mask[1], d);
        }
    }

    /** A run with its ratios to the ceilings: prefill against the FMA peak, decode against the read-bandwidth bound. */
    @Override
    public Map<Metric, Double> withCeilings(Map<Metric, Double> run, Ceilings ceilings) {
        SalaConfig c = model.config();
        double bound = ceilings.readBandwidth() / decodeBytes(c, weightBytesPerToken, prompt.length + newTokens / 2.0);
        Map<Metric, Double> m = new HashMap<>(run);
        m.put(PREFILL_OF_PEAK, run.get(PREFILL_RATE) * SalaBench.flopsPerToken(c) / ceilings.fmaPeak());
        m.put(DECODE_BOUND, bound);
        m.put(DECODE_OF_BOUND, run.get(DECODE_RATE) / bound);
        return m;
    }

    /**
     * Bytes one decode step must read at {@code context} tokens: the weights it uses, every
     * lightning layer's f32 state ({@code heads × d × d}), and the sparse layers' f32 keys and
     * values of the tokens they attend (all of them below {@code dense_len}, else the selected
     * blocks, §4.3).
     */
    static double decodeBytes(SalaConfig c, long weightBytes, double context) {
        SalaConfig.Sparse s = c.sparse();
        double attended = context < s.denseLen() ? context
                : Math.min(context, (double) (s.selectedBlocks() + s.initBlocks()) * s.blockSize());
        double bytes = weightBytes;
        for (SalaConfig.Mixer m : c.mixers()) {
            bytes += m == SalaConfig.Mixer.LIGHTNING
                    ? (double) c.numHeads() * c.headDim() * c.headDim() * Float.BYTES
                    : 2.0 * c.numKvHeads() * c.sparseHeadDim() * attended * Float.BYTES;
        }
        return bytes;
    }
}
