package ai.ominix.bench;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.kernel.cpu.CpuBackend;
import ai.ominix.kernel.mlx.MlxBackend;
import ai.ominix.weights.MlxQuantizer;
import ai.ominix.weights.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * The MLX backend next to the CPU backend on the same machine, shapes and inputs, in one run:
 * quantized matvec (decode), quantized GEMM (prefill), dense f32 GEMM (audio encoder) and a
 * decode-step attention, at real model dimensions with random weights loaded through each
 * backend's real {@code loadWeights}. Rounds alternate between the backends so that both see the
 * same machine load; each cell is the best and the median of the rounds. Prints a markdown table.
 *
 * <pre>scripts/bench-mlx.sh [threads] [--quick]</pre>
 */
public final class MlxVsCpuBench {

    private record Case(String name, String shape, double work, String unit, Function<Backend, Runnable> setup) {}

    private final List<Case> cases = new ArrayList<>();
    /** Weights and inputs the cases created, released when the run ends. */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Path dir;
    private final int rounds;

    private MlxVsCpuBench(Path dir, boolean quick) {
        this.dir = dir;
        this.rounds = quick ? 3 : 7;
    }

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        boolean quick = false;
        for (String a : args) {
            if (a.equals("--quick")) quick = true;
            else threads = Integer.parseInt(a);
        }
        Path dir = Files.createTempDirectory("mlx-bench");
        try (Backend cpu = new CpuBackend(threads); MlxBackend mlx = MlxBackend.open()) {
            System.out.printf(Locale.ROOT, "CPU backend: %d threads; MLX: %s; JDK %s; %s cores; load average %s%n",
                    threads, mlx.describe(), Runtime.version(), Runtime.getRuntime().availableProcessors(), load());
            MlxVsCpuBench b = new MlxVsCpuBench(dir, quick);
            b.define(quick);
            try {
                b.run(cpu, mlx);
            } finally {
                b.release();
            }
            System.out.printf(Locale.ROOT, "load average at end %s%n", load());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }

    private void define(boolean quick) throws Exception {
        // Qwen3-ASR-1.7B decoder MLP (gate/up: 2048 -> 6144), one token, 4- and 8-bit, group 64
        quantizedMatmul("q4 matvec (ASR-1.7B gate)", 1, 6144, 2048, 4);
        quantizedMatmul("q8 matvec (ASR-1.7B gate)", 1, 6144, 2048, 8);
        if (!quick) quantizedMatmul("q4 matvec (SALA gate)", 1, 16384, 4096, 4);
        // a 128-token prefill chunk through the same layer
        quantizedMatmul("q4 GEMM (ASR-1.7B prefill)", 128, 6144, 2048, 4);
        // audio encoder FFN of Qwen3-ASR-1.7B, a 400-frame chunk, dense f32 weights
        denseLinear("f32 GEMM (ASR encoder FFN)", 400, 4096, 1024);
        // a SALA sparse-layer decode step: 32 query heads over 2 kv heads, 4096 cached tokens
        attention("attention decode (SALA, GQA 16:1)", 32, 2, 4096, 128);
    }

    private void quantizedMatmul(String name, int tokens, int out, int in, int bits) throws Exception {
        Random r = new Random(out * 31L + in + bits);
        float[] w = gaussian(r, out * in, 0.05);
        MlxQuantizer.Quantized q = MlxQuantizer.quantize(w, out, in, 64, bits, DType.BF16);
        Path file = dir.resolve(name.replaceAll("\\W+", "_") + ".safetensors");
        SafetensorsWriter writer = new SafetensorsWriter();
        q.addTo(writer, "w");
        writer.write(file);
        float[] x = gaussian(r, tokens * in, 1);
        double bytes = (double) out * in * bits / 8 + 2.0 * out * (in / 64) * 2;
        cases.add(new Case(name, "[" + tokens + "×" + in + "]·[" + out + "×" + in + "]ᵀ",
                tokens == 1 ? bytes : 2.0 * tokens * out * in, tokens == 1 ? "GB/s of weights" : "GFLOP/s", be -> {
                    Weights ws = own(be.loadWeights(List.of(file)));
                    QuantizedWeight qw = new QuantizedWeight(ws.get("w.weight"), ws.get("w.scales"), ws.get("w.biases"),
                            64, bits);
                    Tensor xt = own(be.fromArray(x, tokens, in));
                    return () -> be.eval(be.quantizedMatmul(xt, qw));
                }));
    }

    private void denseLinear(String name, int tokens, int out, int in) throws Exception {
        Random r = new Random(out * 7L + in);
        float[] w = gaussian(r, out * in, 0.05);
        Path file = dir.resolve(name.replaceAll("\\W+", "_") + ".safetensors");
        new SafetensorsWriter().add("w", DType.F32, w, out, in).write(file);
        float[] x = gaussian(r, tokens * in, 1);
        cases.add(new Case(name, "[" + tokens + "×" + in + "]·[" + out + "×" + in + "]ᵀ", 2.0 * tokens * out * in,
                "GFLOP/s", be -> {
                    Weights ws = own(be.loadWeights(List.of(file)));
                    Tensor xt = own(be.fromArray(x, tokens, in));
                    return () -> be.eval(be.linear(xt, ws.get("w"), null));
                }));
    }

    private void attention(String name, int heads, int kvHeads, int cached, int headDim) {
        Random r = new Random(heads + cached);
        float[] q = gaussian(r, heads * headDim, 1);
        float[] k = gaussian(r, kvHeads * cached * headDim, 1);
        float[] v = gaussian(r, kvHeads * cached * headDim, 1);
        cases.add(new Case(name, "q[1," + heads + ",1," + headDim + "] kv[1," + kvHeads + "," + cached + "," + headDim + "]",
                2.0 * kvHeads * cached * headDim * 4, "GB/s of KV", be -> {
                    Tensor qt = own(be.fromArray(q, 1, heads, 1, headDim));
                    Tensor kt = own(be.fromArray(k, 1, kvHeads, cached, headDim));
                    Tensor vt = own(be.fromArray(v, 1, kvHeads, cached, headDim));
                    be.eval(qt, kt, vt);
                    float scale = (float) (1 / Math.sqrt(headDim));
                    return () -> be.eval(be.scaledDotProductAttention(qt, kt, vt, scale, AttentionMask.causal()));
                }));
    }

    private void run(Backend cpu, Backend mlx) {
        System.out.println();
        System.out.println("| op | shape | CPU backend best / median | MLX best / median | MLX speed vs CPU | CPU | MLX |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Case c : cases) {
            Runnable onCpu = c.setup().apply(cpu);
            Runnable onMlx = c.setup().apply(mlx);
            double[] tc = new double[rounds];
            double[] tm = new double[rounds];
            long warmUntil = System.nanoTime() + 1_000_000_000L; // JIT, MLX's buffer cache, first reads of the weights
            for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) {
                step(onCpu);
                step(onMlx);
            }
            int iters = iterations(onCpu, onMlx);
            for (int round = 0; round < rounds; round++) {
                tc[round] = time(onCpu, iters);
                tm[round] = time(onMlx, iters);
            }
            Arrays.sort(tc);
            Arrays.sort(tm);
            System.out.printf(Locale.ROOT, "| %s | %s | %s / %s | %s / %s | %.2f× | %.1f %s | %.1f %s |%n", c.name(),
                    c.shape(), ms(tc[0]), ms(tc[rounds / 2]), ms(tm[0]), ms(tm[rounds / 2]), tc[0] / tm[0],
                    c.work() / tc[0] * 1e-9, c.unit(), c.work() / tm[0] * 1e-9, c.unit());
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        if (resource instanceof Tensor t) Scope.detach(t);
        owned.add(resource);
        return resource;
    }

    private void release() throws Exception {
        for (AutoCloseable c : owned.reversed()) c.close();
        owned.clear();
    }

    private static void step(Runnable r) {
        try (Scope s = Scope.open()) {
            r.run();
        }
    }

    /** Iterations per round so that the slower backend spends about 0.3 s. */
    private static int iterations(Runnable a, Runnable b) {
        double slowest = Math.max(time(a, 1), time(b, 1));
        return (int) Math.max(1, Math.min(200, 0.3 / slowest));
    }

    /** Seconds per iteration. */
    private static double time(Runnable r, int iters) {
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) step(r);
        return (System.nanoTime() - t0) / 1e9 / iters;
    }

    private static String ms(double seconds) {
        return String.format(Locale.ROOT, seconds < 1e-3 ? "%.3f ms" : "%.2f ms", seconds * 1e3);
    }

    private static float[] gaussian(Random r, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * sd);
        return a;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}
