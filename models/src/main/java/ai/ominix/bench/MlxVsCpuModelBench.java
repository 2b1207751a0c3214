package ai.ominix.bench;

import ai.ominix.audio.LogMel.MelSpectrogram;
import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.cpu.CpuBackend;
import ai.ominix.kernel.mlx.MlxBackend;
import ai.ominix.models.qwen3asr.Prompt;
import ai.ominix.models.qwen3asr.Qwen3Asr;
import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A decode step of each model on the MLX backend next to the CPU backend, in one run, at the real
 * model dimensions with random weights (speed does not depend on the values): Qwen3-ASR (0.6B or
 * 1.7B, mlx-community layout: bf16 audio tower, 8-bit decoder) transcribing a 10-second clip, and
 * MiniCPM-SALA 9B through {@link SalaBench}. The backends run one after the other, each loading
 * the model itself, so only one copy of the weights is in memory at a time.
 *
 * <pre>scripts/bench-mlx.sh --models [threads] [--asr 0.6b|1.7b] [--sala-bits 4|8|0] [--sala-prompt N]
 *     [--tokens N] [--cache ~/.cache/ominix-bench]</pre>
 * ({@code --sala-bits 0} skips SALA, whose checkpoint needs 5–10 GB of disk and memory.)
 */
public final class MlxVsCpuModelBench {

    private MlxVsCpuModelBench() {}

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        String asrSize = "0.6b";
        int salaBits = 4;
        int tokens = 16;
        int salaPrompt = 128;
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "ominix-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--asr" -> asrSize = args[++i];
                case "--sala-bits" -> salaBits = Integer.parseInt(args[++i]);
                case "--tokens" -> tokens = Integer.parseInt(args[++i]);
                case "--sala-prompt" -> salaPrompt = Integer.parseInt(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                default -> threads = Integer.parseInt(args[i]);
            }
        }
        int t = threads;
        List<Supplier<Backend>> backends = List.of(() -> new CpuBackend(t), MlxBackend::open);
        System.out.printf(Locale.ROOT, "%d CPU-backend threads; JDK %s; load average %s%n", threads, Runtime.version(),
                loadAverage());

        Path asrDir = asrCheckpoint(cache, asrSize);
        System.out.println("\n| Qwen3-ASR " + asrSize + " (8-bit decoder), 10 s clip | encoder | prefill | decode step |");
        System.out.println("|---|---|---|---|");
        List<double[]> asr = new ArrayList<>();
        for (Supplier<Backend> open : backends) {
            try (Backend b = open.get()) {
                double[] r = asr(b, asrDir, tokens);
                asr.add(r);
                System.out.printf(Locale.ROOT, "| %s | %.2f s | %.0f tok/s (%d tokens) | %.1f ms |%n", b.name(), r[0],
                        r[2] / r[1], (int) r[2], r[3] * 1e3);
            }
        }
        System.out.printf(Locale.ROOT, "| MLX speed vs CPU | %.2f× | %.2f× | %.2f× |%n", asr.get(0)[0] / asr.get(1)[0],
                asr.get(0)[1] / asr.get(1)[1], asr.get(0)[3] / asr.get(1)[3]);

        if (salaBits > 0) {
            Path salaDir = RandomSalaCheckpoint.ensure(cache, salaBits);
            for (Supplier<Backend> open : backends) {
                try (Backend b = open.get()) {
                    System.out.println();
                    System.out.print(SalaBench.format(SalaBench.run(b, salaDir, threads, new int[] {salaPrompt}, tokens, 0,
                            1L << 30)));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nload average at end %s%n", loadAverage());
    }

    /** {encoder seconds, prefill seconds, prompt tokens, seconds per decode step} for a 10-second clip. */
    private static double[] asr(Backend backend, Path dir, int tokens) {
        try (Qwen3Asr asr = Qwen3Asr.load(dir, backend, Qwen3Asr.Settings.defaults()); Scope s = Scope.open()) {
            MelSpectrogram mel = asr.features(tone(10));
            asr.encode(mel, Cancellation.none()); // warm-up: JIT, MLX buffer cache
            long t0 = System.nanoTime();
            Tensor audio = asr.encode(mel, Cancellation.none());
            backend.eval(audio);
            double encoder = (System.nanoTime() - t0) / 1e9;
            Prompt prompt = asr.prompt(audio.dim(0), null, "English");
            Qwen3Asr.Generated g = asr.generateFixed(audio, prompt, tokens, Cancellation.none());
            return new double[] {encoder, g.prefillNanos() / 1e9, g.promptTokens(), g.decodeNanos() / 1e9 / tokens};
        }
    }

    /** A voiced-looking test signal: harmonics of a gliding pitch with a syllable envelope. */
    private static float[] tone(int seconds) {
        float[] x = new float[seconds * 16_000];
        for (int n = 0; n < x.length; n++) {
            double t = n / 16_000.0;
            double f = 140 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
            double env = Math.pow(Math.max(0, Math.sin(2 * Math.PI * 3.7 * t)), 2);
            x[n] = (float) (0.3 * env * (Math.sin(2 * Math.PI * f * t) + 0.5 * Math.sin(4 * Math.PI * f * t)));
        }
        return x;
    }

    /** Real Qwen3-ASR dimensions (qwen3-asr.md §1) with random weights, written once into the cache. */
    static Path asrCheckpoint(Path cache, String size) throws Exception {
        boolean big = size.equals("1.7b");
        if (!big && !size.equals("0.6b")) throw new IllegalArgumentException("--asr 0.6b or 1.7b, got " + size);
        Path dir = cache.resolve("qwen3-asr-" + size + "-random-8bit");
        if (Files.exists(dir.resolve("complete.json"))) return dir;
        Files.createDirectories(dir);
        TinyTokenizerFiles.Written tok = TinyTokenizerFiles.writeQwen3Asr(dir, TinyTokenizerFiles.QWEN3_ASR_FIRST_ADDED_ID,
                300);
        Qwen3AsrConfig config = new Qwen3AsrConfig(
                new Qwen3AsrConfig.Audio(128, big ? 1024 : 896, big ? 24 : 18, big ? 16 : 14, big ? 4096 : 3584, 480,
                        big ? 2048 : 1024, 50, 800),
                new Qwen3AsrConfig.Text(151936, big ? 2048 : 1024, big ? 6144 : 3072, 28, 16, 8, 128, 1e-6f, 1_000_000f,
                        true, 65536),
                tok.id("<|audio_pad|>"), tok.id("<|audio_start|>"), tok.id("<|audio_end|>"));
        Qwen3AsrCheckpointWriter.write(dir, new Qwen3AsrCheckpointWriter.Spec(config, 8, 64, Map.of(), 1,
                Qwen3AsrCheckpointWriter.Layout.MLX, 1));
        Files.writeString(dir.resolve("complete.json"), "{}\n");
        return dir;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}
