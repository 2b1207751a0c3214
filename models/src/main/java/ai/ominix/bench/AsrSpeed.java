package ai.ominix.bench;

import static ai.ominix.bench.GenerationMetrics.*;

import ai.ominix.audio.LogMel.MelSpectrogram;
import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.models.qwen3asr.Prompt;
import ai.ominix.models.qwen3asr.Qwen3Asr;
import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One timed pass of Qwen3-ASR over a clip, the way a transcription runs it (one chunk): log-mel →
 * audio encoder → prompt prefill → exactly {@code newTokens} greedy decode steps, stop tokens
 * ignored, so that every run and every machine does the same work. Reported next to the ceilings
 * of the same invocation: decode against the read-bandwidth bound (decoder weights and the f32 KV
 * cache read once per token), encoder and prefill against the f32 FMA peak.
 */
public final class AsrSpeed implements ModelBench.Speed {

    public static final Metric AUDIO_S = new Metric("audio_s", "audio", "s");
    public static final Metric MEL_S = new Metric("mel_s", "log-mel", "s");
    public static final Metric ENCODER_S = new Metric("encoder_s", "audio encoder", "s");
    public static final Metric ENCODER_OF_PEAK = new Metric("encoder_of_fma_peak", "encoder of FMA peak", "%", 100);
    public static final Metric AUDIO_TOKENS = new Metric("audio_tokens", "audio tokens", "tokens");
    public static final Metric RTF = new Metric("rtf", "real-time factor (total / audio)", "");
    public static final Metric X_REAL_TIME = new Metric("x_real_time", "speed (audio / total)", "× real time");

    public static final List<Metric> METRICS = List.of(AUDIO_S, MEL_S, ENCODER_S, ENCODER_OF_PEAK, AUDIO_TOKENS,
            PROMPT_TOKENS, PREFILL_S, PREFILL_RATE, PREFILL_OF_PEAK, DECODE_TOKENS, DECODE_S, DECODE_RATE, DECODE_BOUND,
            DECODE_OF_BOUND, TOTAL_S, RTF, X_REAL_TIME, CPU_S, CPU_PER_TOKEN, PEAK_RSS);

    private final Qwen3Asr asr;
    private final BenchAudio audio;
    private final int newTokens;
    private final long decoderBytes;
    /** Mel frames of the clip, known after the first run. */
    private int melFrames;

    /** @param decoderBytes bytes of decoder weights one decode step reads ({@link #decoderBytes(Path)}) */
    public AsrSpeed(Qwen3Asr asr, BenchAudio audio, int newTokens, long decoderBytes) {
        if (newTokens < 1) throw new IllegalArgumentException("--new-tokens must be at least 1");
        this.asr = asr;
        this.audio = audio;
        this.newTokens = newTokens;
        this.decoderBytes = decoderBytes;
    }

    /**
     * What {@code ominix bench asr} measures.
     *
     * @param audioFile a file to transcribe, or null for a synthetic clip of {@code seconds}
     * @param newTokens decode steps after the first token
     */
    public record Options(Path model, Path audioFile, double seconds, int newTokens, RunOptions run) {
        public Options {
            if (newTokens < 1) throw new IllegalArgumentException("--new-tokens must be at least 1, got " + newTokens);
            if (audioFile == null && !(seconds > 0)) throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
    }

    /** Loads the model on the asked backend and measures {@code warmup + repeat} runs (only the latter reported). */
    public static BenchResult measure(Options o, String command, Repetitions.Listener listener) {
        BenchAudio audio = o.audioFile() != null ? BenchAudio.file(o.audioFile()) : BenchAudio.synthetic(o.seconds());
        double maxSeconds = Qwen3Asr.Settings.defaults().maxChunkSeconds();
        if (audio.seconds() > maxSeconds) {
            throw new IllegalArgumentException("the benchmark measures one chunk: audio longer than " + maxSeconds
                    + " s is transcribed chunk by chunk; use a shorter clip");
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("audio", audio.source());
        settings.put("audio_seconds", audio.seconds());
        settings.put("new_tokens", o.newTokens());
        long decoderBytes = decoderBytes(o.model());
        return ModelBench.run("asr", command, o.run(), o.model(), METRICS, settings, backend -> {
            Qwen3Asr asr = Qwen3Asr.load(o.model(), backend, Qwen3Asr.Settings.defaults());
            return new ModelBench.Loaded(new AsrSpeed(asr, audio, o.newTokens(), decoderBytes),
                    Map.of("decode_bytes_per_token", decoderBytes), asr::close);
        }, listener);
    }

    /** Every decoder tensor: a decode step reads all of them (the tied embedding as the output head). */
    public static long decoderBytes(Path modelDir) {
        return ModelFacts.tensorBytes(modelDir, n -> n.startsWith("model.") || n.startsWith("thinker.model.")
                || n.startsWith("lm_head.") || n.startsWith("thinker.lm_head."));
    }

    /** One pass; the ratios to the ceilings are added by {@link #withCeilings}. */
    @Override
    public Map<Metric, Double> once() {
        Backend b = asr.backend();
        long cpu0 = ProcessStats.cpuNanos();
        long[] cpuAtFirstToken = {0};
        long t0 = System.nanoTime();
        try (Scope s = Scope.open()) {
            MelSpectrogram mel = asr.features(audio.samples());
            long t1 = System.nanoTime();
            Tensor encoded = asr.encode(mel, Cancellation.none());
            b.eval(encoded);
            long t2 = System.nanoTime();
            Prompt prompt = asr.prompt(encoded.dim(0), null, null);
            // the first token comes from the prefill; newTokens more are decode steps
            Qwen3Asr.Generated g = asr.generateFixed(encoded, prompt, newTokens + 1, Cancellation.none(),
                    () -> cpuAtFirstToken[0] = ProcessStats.cpuNanos());
            long t3 = System.nanoTime();
            long cpu1 = ProcessStats.cpuNanos();
            int steps = g.tokens().length - 1;
            double prefillS = g.prefillNanos() / 1e9;
            double decodeS = g.decodeNanos() / 1e9;
            double totalS = (t3 - t0) / 1e9;
            melFrames = mel.frames();
            Map<Metric, Double> m = new HashMap<>();
            m.put(AUDIO_S, audio.seconds());
            m.put(MEL_S, (t1 - t0) / 1e9);
            m.put(ENCODER_S, (t2 - t1) / 1e9);
            m.put(AUDIO_TOKENS, (double) encoded.dim(0));
            m.put(PROMPT_TOKENS, (double) prompt.length());
            m.put(PREFILL_S, prefillS);
            m.put(PREFILL_RATE, prompt.length() / prefillS);
            m.put(DECODE_TOKENS, (double) steps);
            m.put(DECODE_S, decodeS);
            m.put(DECODE_RATE, steps / decodeS);
            m.put(TOTAL_S, totalS);
            m.put(RTF, totalS / audio.seconds());
            m.put(X_REAL_TIME, audio.seconds() / totalS);
            m.put(CPU_S, cpu0 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9);
            m.put(CPU_PER_TOKEN, cpu0 < 0 ? Double.NaN : (cpu1 - cpuAtFirstToken[0]) / 1e9 / steps);
            m.put(PEAK_RSS, (double) ProcessStats.peakRssBytes());
            return m;
        }
    }

    /**
     * A run with its ratios to the ceilings: decode against the read-bandwidth bound (decoder
     * weights plus the f32 KV cache at the mean context of the decode, read once per step),
     * encoder and prefill against the FMA peak.
     */
    @Override
    public Map<Metric, Double> withCeilings(Map<Metric, Double> run, Ceilings ceilings) {
        Qwen3AsrConfig c = asr.config();
        double prompt = run.get(PROMPT_TOKENS);
        double kvBytes = 2.0 * c.text().layers() * c.text().kvHeads() * c.text().headDim() * Float.BYTES
                * (prompt + run.get(DECODE_TOKENS) / 2);
        double bound = ceilings.readBandwidth() / (decoderBytes + kvBytes);
        Map<Metric, Double> m = new HashMap<>(run);
        m.put(ENCODER_OF_PEAK, encoderFlops(c.audio(), melFrames, run.get(AUDIO_TOKENS).intValue()) / run.get(ENCODER_S)
                / ceilings.fmaPeak());
        m.put(PREFILL_OF_PEAK, prompt * decoderFlopsPerToken(c.text()) / run.get(PREFILL_S) / ceilings.fmaPeak());
        m.put(DECODE_BOUND, bound);
        m.put(DECODE_OF_BOUND, run.get(DECODE_RATE) / bound);
        return m;
    }

    /** 2 FLOPs per weight of every decoder linear layer (the output head runs once per prompt, not per token). */
    static double decoderFlopsPerToken(Qwen3AsrConfig.Text t) {
        double q = (double) t.heads() * t.headDim();
        double kv = (double) t.kvHeads() * t.headDim();
        double perLayer = t.hidden() * (q + 2 * kv) + q * t.hidden() + 3.0 * t.hidden() * t.intermediate();
        return 2 * perLayer * t.layers();
    }

    /**
     * Multiply-add FLOPs of the encoder on {@code frames} mel frames giving {@code tokens} vectors:
     * the three 3×3 stride-2 convolutions per 100-frame chunk, conv_out, the transformer layers
     * (projections, FFN, windowed attention) and the two output projections.
     */
    static double encoderFlops(Qwen3AsrConfig.Audio a, int frames, int tokens) {
        double conv = 0;
        int chunk = a.chunkFrames();
        for (int start = 0; start < frames; start += chunk) {
            int t = Math.min(chunk, frames - start);
            int f = a.numMelBins();
            int cin = 1;
            for (int layer = 0; layer < 3; layer++) {
                t = Qwen3AsrConfig.convLength(t);
                f = Qwen3AsrConfig.convLength(f);
                conv += 2.0 * t * f * a.convChannels() * 9 * cin;
                cin = a.convChannels();
            }
        }
        double d = a.dModel();
        double window = Math.min(tokens, a.chunkTokens() * (a.nWindowInfer() / chunk));   // attention window (qwen3-asr.md §3.6)
        double perToken = 2 * d * a.convChannels() * a.convFreqBins()   // conv_out
                + a.layers() * (2 * (4 * d * d + 2 * d * a.ffnDim()) + 4 * window * d)
                + 2 * (d * d + d * a.outputDim());
        return conv + perToken * tokens;
    }
}
