package ai.ominix.bench;

import ai.ominix.audio.LogMel.MelSpectrogram;
import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.models.qwen3asr.Prompt;
import ai.ominix.models.qwen3asr.Qwen3Asr;
import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import ai.ominix.weights.Checkpoint;
import ai.ominix.weights.SafetensorsHeader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Qwen3-ASR speed at the real 0.6B / 1.7B dimensions with random weights (speed does not depend
 * on the values), in the mlx-community layout, written once and cached. For each clip length it
 * reports log-mel, encoder, prefill and decode times (exactly {@code --decode} greedy steps,
 * stop tokens ignored), the real-time factor, CPU seconds and peak RSS; next to, from the same
 * run, the decode ceiling set by the measured memory-read bandwidth and the float32 PyTorch
 * reference on the same weights and audio. Used by {@code scripts/bench-asr.sh}.
 *
 * <pre>
 * AsrBench [--size 0.6b|1.7b] [--bits 8|4|0] [--clips 30,600] [--decode 64] [--threads N]
 *          [--backend cpu|mlx] [--cache DIR] [--torch SCRIPT]
 * </pre>
 */
public final class AsrBench {

    /** Command-line settings; {@code bits} 0 = bf16, {@code torchScript} null = no PyTorch row. */
    public record Options(String size, int bits, List<Integer> clipSeconds, int decodeTokens, int threads, String backend,
                          Path cache, Path torchScript) {

        public static Options parse(String[] args) {
            Map<String, String> m = new java.util.HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 == args.length) throw new IllegalArgumentException("bad argument " + args[i]);
                m.put(args[i].substring(2), args[++i]);
            }
            List<Integer> clips = new ArrayList<>();
            for (String c : m.getOrDefault("clips", "30,600").split(",")) clips.add(Integer.parseInt(c.strip()));
            String torch = m.get("torch");
            return new Options(m.getOrDefault("size", "0.6b").toLowerCase(Locale.ROOT),
                    Integer.parseInt(m.getOrDefault("bits", "8")), clips, Integer.parseInt(m.getOrDefault("decode", "64")),
                    Integer.parseInt(m.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
                    m.getOrDefault("backend", "cpu"),
                    Path.of(m.getOrDefault("cache", System.getProperty("user.home") + "/.cache/ominix-bench")),
                    torch == null ? null : Path.of(torch));
        }
    }

    /** One measured transcription. */
    public record Row(String engine, int clipSeconds, double melS, double encoderS, int promptTokens, double prefillS,
                      int decodeTokens, double decodeS, double cpuS, long peakRssBytes) {
        double totalS() {
            return melS + encoderS + prefillS + decodeS;
        }
    }

    private AsrBench() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path model = ensureCheckpoint(o.cache(), o.size(), o.bits());
        double bandwidth = ReadBandwidth.measure(o.threads(), 1L << 30, 5);
        long weightBytes = decoderBytes(model);
        Qwen3AsrConfig config = Qwen3AsrConfig.load(model);
        List<Row> rows = new ArrayList<>();
        long loadStart = System.nanoTime();
        try (Backend backend = Backends.open(o.backend(), o.threads());
             Qwen3Asr asr = Qwen3Asr.load(model, backend, Qwen3Asr.Settings.defaults())) {
            double loadS = (System.nanoTime() - loadStart) / 1e9;
            System.out.printf(Locale.ROOT, "model %s (%s), backend %s, %d threads, load %.2f s%n",
                    model.getFileName(), o.bits() == 0 ? "bf16" : o.bits() + "-bit", backend.name(), o.threads(), loadS);
            for (int seconds : o.clipSeconds()) rows.add(run(asr, seconds, o.decodeTokens(), "java " + backend.name()));
        }
        for (int seconds : o.clipSeconds()) {
            if (o.torchScript() != null) rows.add(torch(o, model, seconds));
        }
        report(o, config, rows, bandwidth, weightBytes);
    }

    /** mel → encoder → prompt → prefill → fixed decode, each stage timed; one eval per stage step inside. */
    static Row run(Qwen3Asr asr, int seconds, int decodeTokens, String engine) {
        float[] samples = SyntheticSpeech.toFloat(SyntheticSpeech.pcm(seconds * SyntheticSpeech.SAMPLE_RATE, seconds));
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        MelSpectrogram mel = asr.features(samples);
        long t1 = System.nanoTime();
        try (Scope s = Scope.open()) {
            Tensor audio = asr.encode(mel, Cancellation.none());
            long t2 = System.nanoTime();
            Prompt prompt = asr.prompt(audio.dim(0), null, null);
            Qwen3Asr.Generated g = asr.generateFixed(audio, prompt, decodeTokens + 1, Cancellation.none());
            return new Row(engine, seconds, (t1 - t0) / 1e9, (t2 - t1) / 1e9, prompt.length(), g.prefillNanos() / 1e9,
                    decodeTokens, g.decodeNanos() / 1e9, (cpuNanos() - cpu0) / 1e9, peakRss());
        }
    }

    /** The float32 PyTorch reference on the same checkpoint and audio, in its own process. */
    static Row torch(Options o, Path model, int seconds) throws IOException, InterruptedException {
        Path wav = o.cache().resolve("speech-" + seconds + "s.wav");
        if (!Files.exists(wav)) {
            Files.write(wav, SyntheticSpeech.wav(SyntheticSpeech.pcm(seconds * SyntheticSpeech.SAMPLE_RATE, seconds)));
        }
        Process p = new ProcessBuilder("/usr/bin/python3", o.torchScript().toAbsolutePath().toString(), model.toString(), wav.toString(),
                String.valueOf(o.decodeTokens()), String.valueOf(o.threads()))
                .directory(o.torchScript().toAbsolutePath().getParent().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("the PyTorch reference failed (exit " + p.exitValue() + ")");
        JsonNode j = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        return new Row("pytorch f32", seconds, j.path("mel_s").asDouble(), j.path("encoder_s").asDouble(),
                j.path("prompt_tokens").asInt(), j.path("prefill_s").asDouble(), j.path("decode_tokens").asInt(),
                j.path("decode_s").asDouble(), j.path("cpu_s").asDouble(), j.path("peak_rss_bytes").asLong());
    }

    private static void report(Options o, Qwen3AsrConfig c, List<Row> rows, double bandwidth, long weightBytes) {
        System.out.printf(Locale.ROOT, "read bandwidth %.1f GB/s (%d threads); decoder weights read per token %.3f GB%n",
                bandwidth / 1e9, o.threads(), weightBytes / 1e9);
        System.out.println("| engine | clip | mel s | encoder s | prompt tok | prefill tok/s | decode tok/s | decode bound tok/s"
                + " | decode / bound | total s | RTF | CPU s | peak RSS GiB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            // KV cache read per step (f32 keys + values) at the average context of the decode
            double kvBytes = 2.0 * c.text().layers() * c.text().kvHeads() * c.text().headDim() * 4
                    * (r.promptTokens() + r.decodeTokens() / 2.0);
            // the PyTorch reference holds the decoder dequantized to f32: 4 bytes per parameter
            double bytes = r.engine().startsWith("java") ? weightBytes : 4.0 * decoderParams(c);
            double bound = bandwidth / (bytes + kvBytes);
            double decodeRate = r.decodeTokens() / r.decodeS();
            System.out.printf(Locale.ROOT, "| %s | %d s | %.2f | %.2f | %d | %.1f | %.2f | %.2f | %.0f %% | %.1f | %.3f | %.1f | %.2f |%n",
                    r.engine(), r.clipSeconds(), r.melS(), r.encoderS(), r.promptTokens(), r.promptTokens() / r.prefillS(),
                    decodeRate, bound, 100 * decodeRate / bound, r.totalS(),
                    r.totalS() / r.clipSeconds(), r.cpuS(), r.peakRssBytes() / (double) (1L << 30));
        }
    }

    /** Bytes of every decoder tensor ({@code model.*}): each is read once per decode step (the tied embedding as the head). */
    static long decoderBytes(Path model) {
        long total = 0;
        for (Path f : Checkpoint.discover(model).files()) {
            for (var e : SafetensorsHeader.read(f).entries().values()) {
                if (e.name().startsWith("model.")) total += e.byteSize();
            }
        }
        return total;
    }

    /** Parameters of the decoder (embedding, attention, MLP, norms). */
    static long decoderParams(Qwen3AsrConfig c) {
        Qwen3AsrConfig.Text t = c.text();
        long q = (long) t.heads() * t.headDim();
        long kv = (long) t.kvHeads() * t.headDim();
        long layer = t.hidden() * (2 * q + 2 * kv) + 3L * t.hidden() * t.intermediate() + 2L * t.hidden() + 2L * t.headDim();
        return (long) t.vocabSize() * t.hidden() + t.layers() * layer + t.hidden();
    }

    /** The real model dimensions (qwen3-asr.md §1) with the real token ids. */
    static Qwen3AsrConfig preset(String size) {
        Qwen3AsrConfig.Audio audio;
        Qwen3AsrConfig.Text text;
        switch (size) {
            case "0.6b" -> {
                audio = new Qwen3AsrConfig.Audio(128, 896, 18, 14, 3584, 480, 1024, 50, 800);
                text = new Qwen3AsrConfig.Text(151936, 1024, 3072, 28, 16, 8, 128, 1e-6f, 1_000_000f, true, 65536);
            }
            case "1.7b" -> {
                audio = new Qwen3AsrConfig.Audio(128, 1024, 24, 16, 4096, 480, 2048, 50, 800);
                text = new Qwen3AsrConfig.Text(151936, 2048, 6144, 28, 16, 8, 128, 1e-6f, 1_000_000f, true, 65536);
            }
            default -> throw new IllegalArgumentException("--size must be 0.6b or 1.7b");
        }
        return new Qwen3AsrConfig(audio, text, 151676, 151669, 151670);
    }

    /** Writes the random checkpoint once under the cache directory (a marker file says it is complete). */
    static Path ensureCheckpoint(Path cache, String size, int bits) throws IOException {
        Path dir = cache.resolve("qwen3-asr-" + size + "-" + (bits == 0 ? "bf16" : bits + "bit") + "-v1");
        Path done = dir.resolve(".complete");
        if (Files.exists(done)) return dir;
        System.out.println("writing random weights to " + dir + " (once)");
        TinyTokenizerFiles.Written tok = TinyTokenizerFiles.writeQwen3Asr(dir, TinyTokenizerFiles.QWEN3_ASR_FIRST_ADDED_ID, 400);
        Qwen3AsrConfig config = preset(size);
        if (tok.id("<|audio_pad|>") != config.audioTokenId()) throw new IllegalStateException("token ids differ from the real ones");
        Qwen3AsrCheckpointWriter.write(dir, new Qwen3AsrCheckpointWriter.Spec(config, bits, 64, Map.of(), 1,
                Qwen3AsrCheckpointWriter.Layout.MLX, 1));
        Files.writeString(done, "");
        return dir;
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }

    /** VmHWM of this process (Linux), else -1. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
