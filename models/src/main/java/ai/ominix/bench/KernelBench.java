package ai.ominix.bench;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.cpu.CpuBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.Random;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * CPU kernel benchmark ({@code ominix bench kernels}): measures this machine's ceilings (large
 * copy, large read, register-only FMA peak, our f32 GEMM on a big cube) and, in the same run, the
 * kernels at the real layer shapes of both models ({@link RealShapes}) through the public
 * {@link Backend} API, each as a ratio to its ceilings: quantized matvec (decode) as GB/s of
 * weights against the bandwidths, GEMM at prefill shapes as GFLOP/s against the peaks.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp models/target/classes ai.ominix.bench.KernelBench [threads] [--quick]</pre>
 */
public final class KernelBench {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final Backend be;
    private final int threads;
    private final boolean quick;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Consumer<Map<String, Object>> progress;
    private final List<String> models;
    private double readGBs, copyGBs, fmaPeak, gemmPeak;
    private long seedCounter;

    private KernelBench(int threads, boolean quick, List<String> models, Consumer<Map<String, Object>> progress) {
        this.threads = threads;
        this.models = List.copyOf(models);
        this.quick = quick;
        this.progress = progress;
        this.be = new CpuBackend(threads);
    }

    public static void main(String[] args) {
        int threads = Runtime.getRuntime().availableProcessors();
        boolean quick = false;
        for (String a : args) {
            if (a.equals("--quick")) quick = true;
            else threads = Integer.parseInt(a);
        }
        System.out.print(BenchTable.render(measure(threads, quick, RealShapes.NAMES, "KernelBench " + String.join(" ", args),
                row -> {})));
    }

    /**
     * Runs every case on the CPU backend with {@code threads} kernel threads ({@code <= 0}: all
     * cores); {@code quick} shortens the ceilings, timing budgets and prefill lengths; the real-shape
     * rows cover the {@code models} named (of {@link RealShapes#NAMES}).
     *
     * @param progress told about each row as soon as it is measured
     */
    public static BenchResult measure(int threads, boolean quick, List<String> models, String command,
                                      Consumer<Map<String, Object>> progress) {
        RunInfo.Started started = RunInfo.start("kernels", command);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        KernelBench b = new KernelBench(n, quick, models, progress);
        try {
            b.ceilings();
            b.matvecs();
            b.gemms();
            b.attention();
        } finally {
            b.be.close();
        }
        Map<String, Double> ceilings = new LinkedHashMap<>();
        ceilings.put("copy_gb_s", b.copyGBs);
        ceilings.put("read_gb_s", b.readGBs);
        ceilings.put("fma_peak_gflop_s", b.fmaPeak);
        ceilings.put("gemm_peak_gflop_s", b.gemmPeak);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("quick", quick);
        settings.put("models", String.join(",", models));
        return BenchResult.ofRows(started.finish(b.be.name(), n), settings, ceilings, b.rows);
    }

    // ---------------------------------------------------------------- ceilings

    private void ceilings() {
        long bytes = (quick ? 128L : 512L) << 20;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(bytes, 64), dst = arena.allocate(bytes, 64);
            src.fill((byte) 1);
            dst.fill((byte) 2);
            double[] copy = time(() -> parallel(bytes, (lo, hi) -> MemorySegment.copy(src, lo, dst, lo, hi - lo)));
            copyGBs = 2 * bytes / copy[0] / 1e9;
            double[] read = time(() -> parallel(bytes, (lo, hi) -> sink(readSum(src, lo, hi))));
            readGBs = bytes / read[0] / 1e9;
        }
        long iters = quick ? 20_000_000L : 50_000_000L;
        double[] fma = time(() -> parallel(threads, (lo, hi) -> sink(fmaLoop(iters / threads))));
        fmaPeak = 2.0 * 12 * F.length() * (iters / threads) * threads / fma[0] / 1e9;
        int n = quick ? 1024 : 2048;
        Tensor a = keep(() -> be.fromArray(random(n * n, 1), n, n)), b = keep(() -> be.fromArray(random(n * n, 2), n, n));
        double[] t = time(() -> be.matmul(a, b));
        gemmPeak = 2.0 * n * n * n / t[0] / 1e9;
        a.close();
        b.close();
    }

    /** Sums [lo, hi) in 1 MiB slices with int-indexed loops (C2 optimizes those best). */
    private static double readSum(MemorySegment s, long lo, long hi) {
        double total = 0;
        for (long c = lo; c < hi; c += 1 << 20) total += readSlice(s.asSlice(c, Math.min(1 << 20, hi - c)));
        return total;
    }

    private static double readSlice(MemorySegment s) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int step = F.vectorByteSize(), n = (int) s.byteSize();
        for (int i = 0; i + 4 * step <= n; i += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, s, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, s, i + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, s, i + 2 * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, s, i + 3 * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    private static double fmaLoop(long iters) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f), c = FloatVector.broadcast(F, 1e-7f);
        FloatVector v0 = FloatVector.broadcast(F, 1f), v1 = v0.add(1f), v2 = v0.add(2f), v3 = v0.add(3f), v4 = v0.add(4f), v5 = v0.add(5f);
        FloatVector v6 = v0.add(6f), v7 = v0.add(7f), v8 = v0.add(8f), v9 = v0.add(9f), v10 = v0.add(10f), v11 = v0.add(11f);
        for (long i = 0; i < iters; i++) {
            v0 = v0.fma(m, c); v1 = v1.fma(m, c); v2 = v2.fma(m, c); v3 = v3.fma(m, c);
            v4 = v4.fma(m, c); v5 = v5.fma(m, c); v6 = v6.fma(m, c); v7 = v7.fma(m, c);
            v8 = v8.fma(m, c); v9 = v9.fma(m, c); v10 = v10.fma(m, c); v11 = v11.fma(m, c);
        }
        return v0.add(v1).add(v2).add(v3).add(v4).add(v5).add(v6).add(v7).add(v8).add(v9).add(v10).add(v11)
                .reduceLanes(VectorOperators.ADD);
    }

    // ---------------------------------------------------------------- kernels at real shapes

    /** Weight copies cycled through so that the working set (≥ 256 MiB) is far beyond the last-level cache, as in a real model. */
    private static int copiesFor(long bytes) {
        return (int) Math.max(1, Math.min(32, (256L << 20) / bytes + 1));
    }

    private void matvecs() {
        for (int bits : new int[] {8, 4}) {
            for (RealShapes.Linear l : RealShapes.decoderLinears()) {
                if (!models.contains(l.model())) continue;
                int out = l.out(), in = l.in();
                QuantizedWeight first = quantized(out, in, bits, 64);
                int copies = copiesFor(weightBytes(first));
                QuantizedWeight[] ws = new QuantizedWeight[copies];
                ws[0] = first;
                for (int i = 1; i < copies; i++) ws[i] = quantized(out, in, bits, 64);
                Tensor x = keep(() -> be.fromArray(random(in, 3), 1, in));
                int[] next = {0};
                double[] t = time(() -> be.quantizedMatmul(x, ws[next[0]++ % copies]));
                double gbs = weightBytes(first) / t[0] / 1e9;
                row("quantized matvec " + bits + "-bit g64", l.model(), l.module(), out + "×" + in, t, gbs, "GB/s",
                        Map.of("of_read_bw", gbs / readGBs, "of_copy_bw", gbs / copyGBs));
                for (QuantizedWeight w : ws) close(w);
                close(x);
            }
        }
        int[] s = {2048, 6144};
        int copies = copiesFor(2L * s[0] * s[1]);
        Tensor[] ws = new Tensor[copies];
        for (int i = 0; i < copies; i++) {
            int seed = 4 + i;
            ws[i] = keep(() -> be.astype(be.fromArray(random(s[0] * s[1], seed), s[0], s[1]), DType.BF16));
        }
        Tensor x = keep(() -> be.fromArray(random(s[1], 5), 1, s[1]));
        int[] next = {0};
        double[] t = time(() -> be.linear(x, ws[next[0]++ % copies], null));
        double gbs = 2.0 * s[0] * s[1] / t[0] / 1e9;
        row("bf16 matvec (unquantized weights)", RealShapes.QWEN3_ASR_1_7B, "mlp.down_proj", s[0] + "×" + s[1], t, gbs, "GB/s",
                Map.of("of_read_bw", gbs / readGBs, "of_copy_bw", gbs / copyGBs));
        close((Object[]) ws);
        close(x);
    }

    private void gemms() {
        // the audio encoder's FFN (bf16 weights, f32 activations): a 400-frame window of Qwen3-ASR-1.7B
        int m = 400, k = 1024, n = 4096;
        Tensor x = keep(() -> be.fromArray(random(m * k, 6), m, k));
        Tensor wf = keep(() -> be.fromArray(random(n * k, 7), n, k));
        Tensor wb = keep(() -> be.astype(wf, DType.BF16));
        gemmRow("f32 × bf16 weights (linear)", RealShapes.QWEN3_ASR_1_7B, "audio encoder fc1", m, k, n, () -> be.linear(x, wb, null));
        gemmRow("f32 × f32 weights (linear)", RealShapes.QWEN3_ASR_1_7B, "audio encoder fc1", m, k, n, () -> be.linear(x, wf, null));
        close(x, wf, wb);
        // decoder prefill through the MLP: a 30 s clip's prompt (~400 tokens) and a chat prompt
        int asrTokens = quick ? 128 : 400, chatTokens = quick ? 128 : 512;
        for (int bits : new int[] {8, 4}) {
            for (String model : models) {
                switch (model) {
                    case RealShapes.QWEN3_ASR_0_6B -> prefillRow(bits, model, asrTokens, RealShapes.qwen3Asr06b().text().hidden(),
                            RealShapes.qwen3Asr06b().text().intermediate());
                    case RealShapes.QWEN3_ASR_1_7B -> prefillRow(bits, model, asrTokens, RealShapes.qwen3Asr17b().text().hidden(),
                            RealShapes.qwen3Asr17b().text().intermediate());
                    case RealShapes.MINICPM_SALA_9B -> prefillRow(bits, model, chatTokens, RealShapes.minicpmSala9b().hiddenSize(),
                            RealShapes.minicpmSala9b().intermediateSize());
                    default -> throw new IllegalArgumentException("unknown model " + model);
                }
            }
        }
        Tensor img = keep(() -> be.fromArray(random(2 * 64 * 50 * 480, 8), 2, 64, 50, 480));
        Tensor cw = keep(() -> be.astype(be.fromArray(random(480 * 9 * 480, 9), 480, 3, 3, 480), DType.BF16));
        double[] t = time(() -> be.conv2d(img, cw, null, 2, 2, 1, 1));
        double flops = 2.0 * 2 * 32 * 25 * 480 * 4320;   // the audio stem's second conv as a GEMM: 3·3·480 → 480 per output pixel
        double g = flops / t[0] / 1e9;
        row("conv2d 3×3 s2 (implicit im2col GEMM)", "qwen3-asr", "audio_tower.conv2d2", "[2,64,50,480]→480", t, g, "GFLOP/s",
                Map.of("of_gemm_peak", g / gemmPeak, "of_fma_peak", g / fmaPeak));
        close(img, cw);
    }

    /** {@code tokens} prompt rows through a decoder's {@code mlp.gate_proj} ({@code intermediate × hidden}). */
    private void prefillRow(int bits, String model, int tokens, int hidden, int intermediate) {
        Tensor x = keep(() -> be.fromArray(random(tokens * hidden, 6), tokens, hidden));
        QuantizedWeight q = quantized(intermediate, hidden, bits, 64);
        gemmRow("f32 × " + bits + "-bit weights (quantizedMatmul)", model, "mlp.gate_proj, " + tokens + "-token prefill",
                tokens, hidden, intermediate, () -> be.quantizedMatmul(x, q));
        close(q);
        close(x);
    }

    private void gemmRow(String what, String model, String layer, int m, int k, int n, Supplier<Tensor> op) {
        double[] t = time(op::get);
        double g = 2.0 * m * k * n / t[0] / 1e9;
        row(what, model, layer, m + "×" + k + "×" + n, t, g, "GFLOP/s", Map.of("of_gemm_peak", g / gemmPeak, "of_fma_peak", g / fmaPeak));
    }

    private void attention() {
        int hq = 16, hkv = 8, d = 128, ctx = 4096;
        Tensor k = keep(() -> be.fromArray(random(hkv * ctx * d, 10), 1, hkv, ctx, d));
        Tensor v = keep(() -> be.fromArray(random(hkv * ctx * d, 11), 1, hkv, ctx, d));
        Tensor q1 = keep(() -> be.fromArray(random(hq * d, 12), 1, hq, 1, d));
        double[] t = time(() -> be.scaledDotProductAttention(q1, k, v, 0.088f, AttentionMask.causal()));
        double gbs = 2.0 * hkv * ctx * d * 4 / t[0] / 1e9;
        row("attention decode, causal, GQA 16/8, d128", "qwen3-asr", "self_attn, f32 K/V", "1 query × 4096 keys", t, gbs,
                "GB/s", Map.of("of_read_bw", gbs / readGBs));
        int lq = quick ? 256 : 1024;
        Tensor qp = keep(() -> be.fromArray(random(hq * lq * d, 13), 1, hq, lq, d));
        t = time(() -> be.scaledDotProductAttention(qp, k, v, 0.088f, AttentionMask.causal()));
        double flops = 4.0 * hq * d * ((double) lq * ctx - (double) lq * lq / 2);
        double g = flops / t[0] / 1e9;
        row("attention prefill chunk, causal, GQA 16/8, d128", "qwen3-asr", "self_attn", lq + " queries × 4096 keys", t, g,
                "GFLOP/s", Map.of("of_gemm_peak", g / gemmPeak, "of_fma_peak", g / fmaPeak));
        close(k, v, q1, qp);
    }

    // ---------------------------------------------------------------- helpers

    private QuantizedWeight quantized(int out, int in, int bits, int group) {
        Random r = new Random(out * 31L + in + bits + seedCounter++);
        int[] packed = new int[out * in * bits / 32];
        for (int i = 0; i < packed.length; i++) packed[i] = r.nextInt();
        float[] scales = new float[out * in / group], biases = new float[scales.length];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = 0.01f + 0.001f * r.nextFloat();
            biases[i] = -0.5f * scales[i] * ((1 << bits) - 1);
        }
        Tensor p = keep(() -> be.astype(be.fromArray(packed, out, in * bits / 32), DType.U32));
        Tensor s = keep(() -> be.astype(be.fromArray(scales, out, in / group), DType.BF16));
        Tensor b = keep(() -> be.astype(be.fromArray(biases, out, in / group), DType.BF16));
        return new QuantizedWeight(p, s, b, group, bits);
    }

    private static long weightBytes(QuantizedWeight w) {
        return w.packed().size() * 4 + (w.scales().size() + w.biases().size()) * w.scales().dtype().byteSize();
    }

    /** Creates a tensor outside any scope, so the caller owns it (intermediates die in the scope). */
    private static Tensor keep(Supplier<Tensor> make) {
        try (Scope s = Scope.open()) {
            return Scope.detach(make.get());
        }
    }

    private static void close(Object... xs) {
        for (Object o : xs) {
            if (o instanceof Tensor t) t.close();
            if (o instanceof QuantizedWeight q) close(q.packed(), q.scales(), q.biases());
        }
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * 0.5);
        return v;
    }

    /** Runs {@code op} (in a fresh scope each time) until 1.5 s or 40 runs after 3 warm-ups; returns {best, median, runs}. */
    private double[] time(Runnable op) {
        long budget = (quick ? 500_000_000L : 1_500_000_000L);
        for (int i = 0; i < 3; i++) once(op);
        List<Double> t = new ArrayList<>();
        long start = System.nanoTime();
        while (t.size() < 5 || t.size() < 40 && System.nanoTime() - start < budget) t.add(once(op));
        Summary s = Summary.of(t.stream().mapToDouble(Double::doubleValue).toArray());
        return new double[] {s.min(), s.median(), s.count()};
    }

    private static double once(Runnable op) {
        try (Scope s = Scope.open()) {
            long t0 = System.nanoTime();
            op.run();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private interface Range {
        void run(long lo, long hi);
    }

    /** Splits {@code [0, n)} over {@code threads} plain threads (the ceilings do not use the kernel pool). */
    private void parallel(long n, Range body) {
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            long lo = n * i / threads / 64 * 64, hi = i == threads - 1 ? n : n * (i + 1) / threads / 64 * 64;
            ts[i] = Thread.ofPlatform().start(() -> body.run(lo, hi));
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static volatile double sinkValue;

    private static void sink(double v) {
        sinkValue += v;
    }

    /** One result row; {@code ratios} are fractions of the ceilings named by their keys. */
    private void row(String kernel, String model, String layer, String shape, double[] t, double figure, String unit,
                     Map<String, Double> ratios) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kernel", kernel);
        r.put("model", model);
        r.put("layer", layer);
        r.put("shape", shape);
        r.put("min_s", t[0]);
        r.put("median_s", t[1]);
        r.put("samples", (int) t[2]);
        r.put("figure", figure);
        r.put("unit", unit);
        for (String c : List.of("of_read_bw", "of_copy_bw", "of_gemm_peak", "of_fma_peak")) r.put(c, ratios.get(c));
        rows.add(r);
        progress.accept(r);
    }
}
