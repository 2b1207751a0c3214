package ai.ominix.models.qwen3asr;

import ai.ominix.audio.LogMel;
import ai.ominix.audio.LogMel.MelSpectrogram;
import ai.ominix.engine.AsrEngine.Segment;
import ai.ominix.engine.AsrEngine.Transcript;
import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ContextOverflowException;
import ai.ominix.engine.ModelLoadException;
import ai.ominix.generate.RepetitionGuard;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A loaded Qwen3-ASR model: 16 kHz samples → Whisper log-mel → {@link AudioEncoder} → audio
 * vectors spliced into the {@link Prompt} → {@link TextDecoder} with greedy decoding until
 * {@code <|im_end|>}/{@code <|endoftext|>} → {@link OutputParser}. Long inputs are cut by
 * {@link LongAudio} and transcribed chunk by chunk; each chunk becomes one {@link Segment}
 * (the model emits no timestamps, so a chunk is the finest span whose times are known).
 *
 * <p>The model is immutable after loading; per-request state (KV caches) lives in the call.
 * Not thread-safe only in the sense that a {@link Backend} serves one thread at a time.
 */
public final class Qwen3Asr implements AutoCloseable {

    /** One mel frame's worth of samples: shorter clips are zero-padded to it so that the encoder sees a frame. */
    private static final int MIN_SAMPLES = LogMel.HOP;
    /** Token budget per chunk: a fixed allowance (language tag, short clips) plus a speech rate bound. */
    static final int BASE_NEW_TOKENS = 48;
    static final double NEW_TOKENS_PER_SECOND = 12.0;

    /**
     * @param maxChunkSeconds   long-audio chunk length (upstream 1200 s)
     * @param encoderCacheBytes budget of the {@link EncoderCache} (0: none, as benchmarks want)
     */
    public record Settings(double maxChunkSeconds, long encoderCacheBytes) {
        /** What the server runs: a 64 MiB encoder cache (about 40 clips of 30 s at 0.6B). */
        public static final long SERVING_ENCODER_CACHE_BYTES = 64L << 20;

        public Settings(double maxChunkSeconds) {
            this(maxChunkSeconds, 0);
        }

        public static Settings defaults() {
            return new Settings(LongAudio.DEFAULT_MAX_CHUNK_SECONDS);
        }

        public static Settings serving() {
            return new Settings(LongAudio.DEFAULT_MAX_CHUNK_SECONDS, SERVING_ENCODER_CACHE_BYTES);
        }
    }

    /**
     * Generated ids of one chunk and why generation ended ("stop", "length", "repetition").
     *
     * @param prefillNanos time to the first token (prompt through the decoder)
     * @param decodeNanos  time of the decode steps after it
     */
    public record Generated(int[] tokens, String stopReason, int promptTokens, long prefillNanos, long decodeNanos) {}

    private final Path dir;
    private final Backend backend;
    private final Qwen3AsrConfig config;
    private final Tokenizer tokenizer;
    private final Weights weights;
    private final AudioEncoder encoder;
    private final TextDecoder decoder;
    private final int[] stopIds;
    private final Settings settings;
    private final EncoderCache encoderCache;

    private Qwen3Asr(Path dir, Backend backend, Qwen3AsrConfig config, Tokenizer tokenizer, Weights weights,
                     Settings settings) {
        this.dir = dir;
        this.backend = backend;
        this.config = config;
        this.tokenizer = tokenizer;
        this.weights = weights;
        this.settings = settings;
        this.encoderCache = new EncoderCache(settings.encoderCacheBytes());
        this.encoder = new AudioEncoder(weights, config.audio());
        try {
            this.decoder = new TextDecoder(weights, config.text());
            this.stopIds = new int[] {requireToken("<|im_end|>"), requireToken("<|endoftext|>")};
            if (decoder.vocabRows() < tokenizer.vocabSize()) {
                throw new ModelLoadException(dir + ": the embedding has " + decoder.vocabRows()
                        + " rows but the tokenizer has " + tokenizer.vocabSize() + " tokens");
            }
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    public static Qwen3Asr load(Path dir, Backend backend, Settings settings) {
        Qwen3AsrConfig config = Qwen3AsrConfig.load(dir);
        Tokenizer tokenizer = Tokenizers.load(dir);
        Weights weights = CheckpointWeights.open(dir, backend);
        try {
            return new Qwen3Asr(dir, backend, config, tokenizer, weights, settings);
        } catch (RuntimeException e) {
            weights.close();
            if (e instanceof ModelLoadException m) throw m;
            throw new ModelLoadException("cannot load Qwen3-ASR from " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    public Qwen3AsrConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Transcribes 16 kHz mono samples.
     *
     * @param language canonical language name to force, or null to detect
     * @param context  text for the system turn, or null
     * @param onSegment receives each chunk's segment as soon as it is decoded; may be null
     */
    public Transcript transcribe(float[] samples, String language, String context, Cancellation cancel,
                                 Consumer<Segment> onSegment) {
        if (cancel == null) cancel = Cancellation.none();
        double duration = samples.length / (double) LongAudio.SAMPLE_RATE;
        if (samples.length == 0) return new Transcript("", language == null ? "" : language, 0, List.of());
        StringBuilder text = new StringBuilder();
        List<String> languages = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        for (LongAudio.Chunk chunk : LongAudio.split(samples, settings.maxChunkSeconds())) {
            cancel.check();
            OutputParser.Parsed parsed = transcribeChunk(chunk.samples(), language, context, cancel);
            text.append(parsed.text());
            languages.add(parsed.language());
            if (!parsed.text().isEmpty()) {
                Segment s = new Segment(segments.size(), chunk.startSeconds(), chunk.endSeconds(), parsed.text());
                segments.add(s);
                if (onSegment != null) onSegment.accept(s);
            }
        }
        return new Transcript(text.toString(), mergeLanguages(languages), duration, List.copyOf(segments));
    }

    /** One chunk through the whole pipeline (upstream transcribes each chunk independently). */
    OutputParser.Parsed transcribeChunk(float[] samples, String language, String context, Cancellation cancel) {
        try (Scope request = Scope.open()) {
            Object key = encoderCache.key(samples);
            Tensor audio = encoderCache.get(key, backend);
            if (audio == null) {
                audio = encode(features(samples), cancel);
                encoderCache.put(key, audio, backend);
            }
            Prompt prompt = prompt(audio.dim(0), context, language);
            Generated out = generate(audio, prompt, maxNewTokens(samples.length), cancel);
            return OutputParser.parse(tokenizer.decode(out.tokens(), true), language);
        }
    }

    /** Chunks whose encoder output came from the cache (for tests). */
    long encoderCacheHits() {
        return encoderCache.hits();
    }

    /** Whisper log-mel of one chunk; clips shorter than one frame hop are zero-padded to it. */
    public MelSpectrogram features(float[] samples) {
        return LogMel.compute(samples.length < MIN_SAMPLES ? Arrays.copyOf(samples, MIN_SAMPLES) : samples);
    }

    /** Audio vectors {@code [N, hidden]} for a mel spectrogram (caller's scope). */
    public Tensor encode(MelSpectrogram mel, Cancellation cancel) {
        if (mel.nMels() != config.audio().numMelBins()) {
            throw new IllegalArgumentException("mel has " + mel.nMels() + " bins, the model wants " + config.audio().numMelBins());
        }
        return encoder.encode(backend, mel.data(), mel.frames(), cancel);
    }

    public Prompt prompt(int audioTokens, String context, String language) {
        return Prompt.build(tokenizer, config.audioTokenId(), audioTokens, context, language);
    }

    /** Logits {@code [vocab]} of the first generated position (prefill only). */
    public float[] firstStepLogits(Tensor audio, Prompt prompt, Cancellation cancel) {
        try (Scope s = Scope.open(); TextDecoder.State state = decoder.newState(backend)) {
            return backend.toFloatArray(decoder.prefill(backend, embedPrompt(audio, prompt), state, cancel));
        }
    }

    /**
     * Greedy decoding: stops at {@code <|im_end|>}/{@code <|endoftext|>} (not returned), after
     * {@code maxNewTokens}, or when the {@link RepetitionGuard} sees a runaway loop.
     */
    public Generated generate(Tensor audio, Prompt prompt, int maxNewTokens, Cancellation cancel) {
        return decode(audio, prompt, maxNewTokens, cancel, true, null);
    }

    /**
     * Exactly {@code tokens} greedy steps whatever they produce (stop tokens and loops included):
     * the fixed amount of work a benchmark compares.
     */
    public Generated generateFixed(Tensor audio, Prompt prompt, int tokens, Cancellation cancel) {
        return decode(audio, prompt, tokens, cancel, false, null);
    }

    /**
     * {@link #generateFixed(Tensor, Prompt, int, Cancellation)} that runs {@code afterPrefill} once,
     * when the prompt has been processed and the first token chosen, before the first decode step:
     * where a benchmark splits process CPU time between prefill and decode.
     */
    public Generated generateFixed(Tensor audio, Prompt prompt, int tokens, Cancellation cancel, Runnable afterPrefill) {
        return decode(audio, prompt, tokens, cancel, false, afterPrefill);
    }

    private Generated decode(Tensor audio, Prompt prompt, int maxNewTokens, Cancellation cancel, boolean stops,
                             Runnable afterPrefill) {
        if (cancel == null) cancel = Cancellation.none();
        int budget = Math.min(maxNewTokens, config.text().maxPositions() - prompt.length());
        if (budget <= 0) {
            throw new ContextOverflowException("the prompt (" + prompt.length() + " tokens) leaves no room in the "
                    + config.text().maxPositions() + "-position context");
        }
        RepetitionGuard guard = RepetitionGuard.standard();
        int[] tokens = new int[budget];
        int n = 0;
        long start = System.nanoTime();
        try (TextDecoder.State state = decoder.newState(backend)) {
            int next;
            try (Scope s = Scope.open()) {
                next = argmax(decoder.prefill(backend, embedPrompt(audio, prompt), state, cancel));
            }
            long prefilled = System.nanoTime();
            if (afterPrefill != null) afterPrefill.run();
            String reason;
            while (true) {
                if (stops && isStop(next)) {
                    reason = "stop";
                    break;
                }
                tokens[n++] = next;
                if (n == budget) {
                    reason = "length";
                    break;
                }
                if (stops && guard.isRunaway(tokens, n)) {
                    reason = "repetition";
                    break;
                }
                cancel.check();
                try (Scope s = Scope.open()) {
                    next = argmax(decoder.step(backend, next, state));
                }
            }
            return new Generated(Arrays.copyOf(tokens, n), reason, prompt.length(), prefilled - start,
                    System.nanoTime() - prefilled);
        }
    }

    /** Speech rate assumed by {@link #workingSetBytes}: brisk speech, well above a typical 2–3 tokens/s. */
    static final double PLANNED_TOKENS_PER_SECOND = 4.0;
    /** Prompt tokens beside the audio (chat template, language tag, a context of a few sentences). */
    static final int PLANNED_PROMPT_TOKENS = 256;

    /**
     * Bytes a transcription may hold beside the weights, at the longest chunk {@code settings}
     * allows (f32 throughout, as both backends run it): the decoder's KV cache over the chunk's
     * audio tokens, prompt and transcript at {@value #PLANNED_TOKENS_PER_SECOND} tokens/s; the
     * prefill's activations (hidden states, projections and the MLP's two intermediate rows per
     * token); the encoder's hidden states; the log-mel and the decoded samples; logits. The
     * server plans its memory budget with it. A chunk of faster speech grows the KV cache
     * beyond it by 2 · layers · kv_heads · head_dim · 4 bytes per extra token.
     */
    public static long workingSetBytes(Qwen3AsrConfig c, Settings settings) {
        Qwen3AsrConfig.Text t = c.text();
        double seconds = settings.maxChunkSeconds();
        long samples = (long) Math.ceil(seconds * LongAudio.SAMPLE_RATE);
        int frames = (int) (samples / LogMel.HOP) + 1;
        long audioTokens = c.audioTokens(frames);
        long tokens = audioTokens + PLANNED_PROMPT_TOKENS + (long) Math.ceil(PLANNED_TOKENS_PER_SECOND * seconds);
        long kvCache = tokens * 2L * t.layers() * t.kvHeads() * t.headDim() * Float.BYTES;
        long prefill = (audioTokens + PLANNED_PROMPT_TOKENS) * (4L * t.hidden() + 2L * t.intermediate()) * Float.BYTES;
        long encoder = audioTokens * (4L * c.audio().dModel() + c.audio().ffnDim()) * Float.BYTES;
        long mel = (long) c.audio().numMelBins() * frames * Float.BYTES;
        long audio = 2 * samples * Float.BYTES; // the decoded file and its 16 kHz copy
        long logits = 2L * t.vocabSize() * Float.BYTES;
        return kvCache + prefill + encoder + mel + audio + logits + settings.encoderCacheBytes();
    }

    /** Token budget for a chunk of {@code samples}: generous for fast speech, bounded for silence loops. */
    static int maxNewTokens(int samples) {
        return BASE_NEW_TOKENS + (int) Math.ceil(NEW_TOKENS_PER_SECOND * samples / LongAudio.SAMPLE_RATE);
    }

    private int argmax(Tensor logits) {
        Tensor best = backend.argmax(logits, 0);
        backend.eval(best);
        return backend.toIntArray(best)[0];
    }

    private Tensor embedPrompt(Tensor audio, Prompt prompt) {
        if (audio.dim(0) != prompt.audioTokens() || audio.dim(1) != config.text().hidden()) {
            throw new IllegalArgumentException("audio " + Tensor.describe(audio) + " does not fit the prompt's "
                    + prompt.audioTokens() + " placeholders");
        }
        return backend.concatenate(List.of(decoder.embed(backend, prompt.prefix()), audio,
                decoder.embed(backend, prompt.suffix())), 0);
    }

    private boolean isStop(int token) {
        for (int s : stopIds) if (s == token) return true;
        return false;
    }

    private int requireToken(String token) {
        int id = tokenizer.tokenId(token);
        if (id < 0) throw new ModelLoadException(dir + ": the tokenizer has no " + token + " token");
        return id;
    }

    /** Upstream {@code merge_languages}: drop empties and consecutive duplicates, comma-join. */
    static String mergeLanguages(List<String> languages) {
        List<String> out = new ArrayList<>();
        for (String l : languages) {
            String s = l == null ? "" : l.strip();
            if (!s.isEmpty() && (out.isEmpty() || !out.getLast().equals(s))) out.add(s);
        }
        return String.join(",", out);
    }

    @Override
    public void close() {
        encoder.close();
        weights.close();
    }
}
