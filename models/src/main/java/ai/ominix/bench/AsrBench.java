package ai.ominix.bench;

import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Qwen3-ASR next to its float32 PyTorch reference, in one run (issue 6 item 6): for each clip
 * length, {@code ominix bench asr}'s measurement ({@link AsrSpeed}: ceilings, log-mel, encoder,
 * prefill, exactly N decode steps, RTF, CPU, peak RSS) and then the reference script
 * ({@code models/src/test/python/qwen3asr_reference_bench.py}, the independent reference of the
 * correctness tests) on the same random-weight checkpoint (written once under the cache, real
 * shapes, mlx-community layout) and the same WAV file. Run by {@code scripts/bench-asr.sh}.
 *
 * <pre>
 * AsrBench [--model qwen3-asr-0.6b|qwen3-asr-1.7b] [--bits 8|4] [--clips 30,600] [--new-tokens 64]
 *          [--threads N] [--backend cpu|mlx] [--repeat N] [--cache DIR] [--torch SCRIPT]
 * </pre>
 */
public final class AsrBench {

    private static final long SEED = 1;

    /** Command-line settings; {@code torchScript} null = Java only. */
    public record Options(String model, int bits, List<Integer> clipSeconds, int newTokens, RunOptions run, Path cache,
                          Path torchScript) {

        public static Options parse(String[] args) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 == args.length) throw new IllegalArgumentException("bad argument " + args[i]);
                m.put(args[i].substring(2), args[i + 1]);
            }
            List<Integer> clips = new ArrayList<>();
            for (String c : m.getOrDefault("clips", "30,600").split(",")) clips.add(Integer.parseInt(c.strip()));
            RunOptions run = new RunOptions(m.getOrDefault("backend", "cpu"), Integer.parseInt(m.getOrDefault("threads", "0")),
                    0, Integer.parseInt(m.getOrDefault("repeat", "1")), RunOptions.DEFAULT_BANDWIDTH_BYTES);
            return new Options(m.getOrDefault("model", RealShapes.QWEN3_ASR_0_6B), Integer.parseInt(m.getOrDefault("bits", "8")),
                    clips, Integer.parseInt(m.getOrDefault("new-tokens", "64")), run,
                    Path.of(m.getOrDefault("cache", System.getProperty("user.home") + "/.cache/ominix-bench")),
                    m.containsKey("torch") ? Path.of(m.get("torch")) : null);
        }
    }

    /** The reference's timings for one clip. */
    record Reference(double melS, double encoderS, int promptTokens, double prefillS, int decodeTokens, double decodeS,
                     double cpuS, long peakRssBytes) {
        double totalS() {
            return melS + encoderS + prefillS + decodeS;
        }
    }

    private AsrBench() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        RandomWeights.Asr shape = (RandomWeights.Asr) RandomWeights.real(o.model());
        Path model = cachedWeights(o.cache(), shape, o.bits());
        List<String> table = new ArrayList<>();
        for (int seconds : o.clipSeconds()) {
            Path wav = o.cache().resolve("speech-" + seconds + "s.wav");
            if (!Files.exists(wav)) {
                Files.write(wav, SyntheticSpeech.wav(SyntheticSpeech.pcm(seconds * SyntheticSpeech.SAMPLE_RATE, seconds)));
            }
            BenchResult java = AsrSpeed.measure(new AsrSpeed.Options(model, wav, seconds, o.newTokens(), o.run()),
                    "AsrBench " + String.join(" ", args), (warmup, i, of, values) -> { });
            System.out.println(BenchTable.render(java));
            double bandwidth = java.ceilings().get("read_bandwidth_gb_s") * 1e9;
            table.add(javaRow(java, seconds));
            if (o.torchScript() != null) {
                table.add(referenceRow(reference(o, model, wav), shape.config(), bandwidth, seconds));
            }
        }
        System.out.println("| engine | clip | mel s | encoder s | prompt tok | prefill tok/s | decode tok/s | decode bound tok/s"
                + " | decode / bound | total s | RTF | CPU s | peak RSS GiB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        table.forEach(System.out::println);
    }

    /** Writes the checkpoint once ({@code ominix bench make-weights}); a marker file says it is complete. */
    static Path cachedWeights(Path cache, RandomWeights.Shape shape, int bits) throws IOException {
        Path dir = cache.resolve(shape.name() + "-" + bits + "bit-seed" + SEED);
        Path done = dir.resolve(".complete");
        if (!Files.exists(done)) {
            System.out.println("writing random weights to " + dir + " (once)");
            RandomWeights.write(shape, bits, SEED, dir, true);
            Files.writeString(done, "");
        }
        return dir;
    }

    private static String javaRow(BenchResult r, int seconds) {
        Runs runs = r.runs();
        return String.format(Locale.ROOT, "| java %s | %d s | %.2f | %.2f | %.0f | %.1f | %.2f | %.2f | %.0f %% | %.1f | %.3f | %.1f | %.2f |",
                r.info().backend(), seconds, median(runs, AsrSpeed.MEL_S), median(runs, AsrSpeed.ENCODER_S),
                median(runs, GenerationMetrics.PROMPT_TOKENS), median(runs, GenerationMetrics.PREFILL_RATE), median(runs, GenerationMetrics.DECODE_RATE),
                median(runs, GenerationMetrics.DECODE_BOUND), 100 * median(runs, GenerationMetrics.DECODE_OF_BOUND), median(runs, GenerationMetrics.TOTAL_S),
                median(runs, AsrSpeed.RTF), median(runs, GenerationMetrics.CPU_S), median(runs, GenerationMetrics.PEAK_RSS) / (1L << 30));
    }

    private static double median(Runs runs, Metric m) {
        return runs.summary(runs.metrics().indexOf(m)).median();
    }

    /** The reference holds the decoder dequantized to f32: 4 bytes per parameter, plus its f32 KV cache. */
    private static String referenceRow(Reference t, Qwen3AsrConfig c, double bandwidth, int seconds) {
        Qwen3AsrConfig.Text x = c.text();
        double kv = 2.0 * x.layers() * x.kvHeads() * x.headDim() * Float.BYTES * (t.promptTokens() + t.decodeTokens() / 2.0);
        double bound = bandwidth / (4.0 * decoderParams(c) + kv);
        double rate = t.decodeTokens() / t.decodeS();
        return String.format(Locale.ROOT, "| pytorch f32 | %d s | %.2f | %.2f | %d | %.1f | %.2f | %.2f | %.0f %% | %.1f | %.3f | %.1f | %.2f |",
                seconds, t.melS(), t.encoderS(), t.promptTokens(), t.promptTokens() / t.prefillS(), rate, bound,
                100 * rate / bound, t.totalS(), t.totalS() / seconds, t.cpuS(), t.peakRssBytes() / (double) (1L << 30));
    }

    /** Parameters of the decoder: embedding (also the head), attention, MLP, norms. */
    static long decoderParams(Qwen3AsrConfig c) {
        Qwen3AsrConfig.Text t = c.text();
        long q = (long) t.heads() * t.headDim();
        long kv = (long) t.kvHeads() * t.headDim();
        long layer = t.hidden() * (2 * q + 2 * kv) + 3L * t.hidden() * t.intermediate() + 2L * t.hidden() + 2L * t.headDim();
        return (long) t.vocabSize() * t.hidden() + t.layers() * layer + t.hidden();
    }

    /** The float32 PyTorch reference on the same checkpoint and audio, in its own process. */
    static Reference reference(Options o, Path model, Path wav) throws IOException, InterruptedException {
        int threads = o.run().threads() > 0 ? o.run().threads() : Runtime.getRuntime().availableProcessors();
        Path script = o.torchScript().toAbsolutePath();
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), model.toString(), wav.toString(),
                String.valueOf(o.newTokens()), String.valueOf(threads))
                .directory(script.getParent().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("the PyTorch reference failed (exit " + p.exitValue() + ")");
        JsonNode j = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        return new Reference(j.path("mel_s").asDouble(), j.path("encoder_s").asDouble(), j.path("prompt_tokens").asInt(),
                j.path("prefill_s").asDouble(), j.path("decode_tokens").asInt(), j.path("decode_s").asDouble(),
                j.path("cpu_s").asDouble(), j.path("peak_rss_bytes").asLong());
    }
}
