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
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.Random;
import java.util.function.Supplier;

/**
 * CPU kernel benchmark ({@code ominix bench kernels}): this machine's ceilings (a large copy, a
 * large read, a register-only FMA loop, our f32 GEMM on a cube) and the kernels at the real layer
 * shapes of both models ({@link RealShapes}) through the public {@link Backend} API: quantized
 * matvec (decode) in GB/s of weights, GEMM at prefill shapes in GFLOP/s. Each kernel run alternates
 * with a run of its ceiling (a 64 MiB read for memory-bound kernels, a fixed FMA loop for
 * compute-bound ones), and the ratio is the median of the per-pair ratios, so a load that comes and
 * goes on a shared machine affects both sides alike.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp models/target/classes ai.ominix.bench.KernelBench [threads] [--quick]</pre>
 */
public final class KernelBench {

    /**
     * The fields of each row, in order (documented in BENCHMARKS.md): {@code ceiling} names the
     * ceiling the row was paired with, {@code of_ceiling} is the median paired ratio, and
     * {@code of_gemm_peak} (compute rows only, else null) compares the best time with the GEMM cube's.
     */
    public static final List<String> ROW_FIELDS = List.of("kernel", "model", "layer", "shape", "min_s", "median_s", "samples",
            "figure", "unit", "ceiling", "of_ceiling", "of_gemm_peak");
    /** The ceilings, in order: best runs, measured first. */
    public static final List<String> CEILING_FIELDS = List.of("copy_gb_s", "read_gb_s", "fma_peak_gflop_s", "gemm_peak_gflop_s");

    private final Backend be;
    private final int threads;
    private final boolean quick;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Consumer<Map<String, Object>> progress;
    private final List<String> models;
    private double readGBs, copyGBs, fmaPeak, gemmPeak;
    private long seedCounter;
    private final Arena ceilingArena = Arena.ofShared();
    private MemorySegment readBuffer;
    private long fmaIters;

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
            b.ceilingArena.close();
        }
        Map<String, Double> ceilings = new LinkedHashMap<>();
        double[] values = {b.copyGBs, b.readGBs, b.fmaPeak, b.gemmPeak};
        for (int i = 0; i < values.length; i++) ceilings.put(CEILING_FIELDS.get(i), values[i]);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("quick", quick);
        settings.put("models", String.join(",", models));
        return BenchResult.ofRows(started.finish(b.be.name(), n), settings, ceilings, b.rows);
    }

    // ---------------------------------------------------------------- ceilings

    private static final long PAIR_READ_BYTES = 64L << 20;

    private void ceilings() {
        long bytes = (quick ? 128L : 512L) << 20;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(bytes, 64), dst = arena.allocate(bytes, 64);
            src.fill((byte) 1);
            dst.fill((byte) 2);
            copyGBs = 2 * bytes / time(() -> CeilingLoops.parallel(threads, bytes, (lo, hi) -> MemorySegment.copy(src, lo, dst, lo, hi - lo)))[0] / 1e9;
            readGBs = bytes / time(() -> CeilingLoops.parallel(threads, bytes, (lo, hi) -> CeilingLoops.sink(CeilingLoops.readSum(src, lo, hi))))[0] / 1e9;
        }
        readBuffer = ceilingArena.allocate(PAIR_READ_BYTES, 64);
        readBuffer.fill((byte) 1);
        fmaIters = quick ? 2_000_000L : 4_000_000L;
        fmaPeak = fmaFlops() / time(this::fmaCeiling)[0] / 1e9;
        int n = quick ? 1024 : 2048;
        Tensor a = keep(() -> be.fromArray(random(n * n, 1), n, n)), b = keep(() -> be.fromArray(random(n * n, 2), n, n));
        gemmPeak = Double.NaN;   // this row is the GEMM peak: not compared with itself
        double[] t = computeRow("f32 GEMM (ours) on a cube", "–", "–", n + "³", 2.0 * n * n * n, () -> be.matmul(a, b));
        gemmPeak = 2.0 * n * n * n / t[0] / 1e9;
        close(a, b);
    }

    private void readCeiling() {
        CeilingLoops.parallel(threads, PAIR_READ_BYTES, (lo, hi) -> CeilingLoops.sink(CeilingLoops.readSum(readBuffer, lo, hi)));
    }

    private void fmaCeiling() {
        CeilingLoops.parallel(threads, threads, (lo, hi) -> CeilingLoops.sink(CeilingLoops.fmaLoop(fmaIters / threads)));
    }

    private double fmaFlops() {
        return CeilingLoops.flopsPerIteration() * (fmaIters / threads) * threads;
    }

    /** A memory-bound kernel reading {@code bytes} per call, paired with the 64 MiB read. */
    private void bandwidthRow(String kernel, String model, String layer, String shape, double bytes, Runnable op) {
        double[] t = paired(op, this::readCeiling);
        row(kernel, model, layer, shape, t, bytes / t[0] / 1e9, "GB/s", "read_gb_s", t[3] * bytes / PAIR_READ_BYTES, Double.NaN);
    }

    /** A compute-bound kernel doing {@code flops} per call, paired with the FMA loop; returns its timings. */
    private double[] computeRow(String kernel, String model, String layer, String shape, double flops, Runnable op) {
        double[] t = paired(op, this::fmaCeiling);
        double g = flops / t[0] / 1e9;
        row(kernel, model, layer, shape, t, g, "GFLOP/s", "fma_peak_gflop_s", t[3] * flops / fmaFlops(), g / gemmPeak);
        return t;
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
                bandwidthRow("quantized matvec " + bits + "-bit g64", l.model(), l.module(), out + "×" + in, weightBytes(first),
                        () -> be.quantizedMatmul(x, ws[next[0]++ % copies]));
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
        bandwidthRow("bf16 matvec (unquantized weights)", RealShapes.QWEN3_ASR_1_7B, "mlp.down_proj", s[0] + "×" + s[1],
                2.0 * s[0] * s[1], () -> be.linear(x, ws[next[0]++ % copies], null));
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
        // the audio stem's second conv as a GEMM: 3·3·480 → 480 per output pixel
        computeRow("conv2d 3×3 s2 (implicit im2col GEMM)", "qwen3-asr", "audio_tower.conv2d2", "[2,64,50,480]→480",
                2.0 * 2 * 32 * 25 * 480 * 4320, () -> be.conv2d(img, cw, null, 2, 2, 1, 1));
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
        computeRow(what, model, layer, m + "×" + k + "×" + n, 2.0 * m * k * n, op::get);
    }

    private void attention() {
        int hq = 16, hkv = 8, d = 128, ctx = 4096;
        Tensor k = keep(() -> be.fromArray(random(hkv * ctx * d, 10), 1, hkv, ctx, d));
        Tensor v = keep(() -> be.fromArray(random(hkv * ctx * d, 11), 1, hkv, ctx, d));
        Tensor q1 = keep(() -> be.fromArray(random(hq * d, 12), 1, hq, 1, d));
        // decode reads the cache from DRAM, as a model's 28 layers of caches do: cycle over copies
        long kvBytes = 2L * hkv * ctx * d * 4;
        int copies = copiesFor(kvBytes);
        Tensor[] ks = new Tensor[copies], vs = new Tensor[copies];
        ks[0] = k;
        vs[0] = v;
        for (int i = 1; i < copies; i++) {
            int seed = 100 + 2 * i;
            ks[i] = keep(() -> be.fromArray(random(hkv * ctx * d, seed), 1, hkv, ctx, d));
            vs[i] = keep(() -> be.fromArray(random(hkv * ctx * d, seed + 1), 1, hkv, ctx, d));
        }
        int[] next = {0};
        bandwidthRow("attention decode, causal, GQA 16/8, d128 (f32 K/V read)", "qwen3-asr", "self_attn", "1 query × 4096 keys",
                kvBytes, () -> be.scaledDotProductAttention(q1, ks[next[0] % copies], vs[next[0]++ % copies], 0.088f, AttentionMask.causal()));
        for (int i = 1; i < copies; i++) close(ks[i], vs[i]);
        int lq = quick ? 256 : 1024;
        Tensor qp = keep(() -> be.fromArray(random(hq * lq * d, 13), 1, hq, lq, d));
        double flops = 4.0 * hq * d * ((double) lq * ctx - (double) lq * lq / 2);
        computeRow("attention prefill chunk, causal, GQA 16/8, d128", "qwen3-asr", "self_attn", lq + " queries × 4096 keys", flops,
                () -> be.scaledDotProductAttention(qp, k, v, 0.088f, AttentionMask.causal()));
        close(k, v, q1, qp);
    }

    // ---------------------------------------------------------------- helpers

    private QuantizedWeight quantized(int out, int in, int bits, int group) {
        Random r = new Random(out * 31L + in + bits + seedCounter++);
        int[] packed = new int[Math.toIntExact((long) out * in * bits / 32)]; // vocabulary-sized tables pass 2^31 bits
        for (int i = 0; i < packed.length; i++) packed[i] = r.nextInt();
        float[] scales = new float[Math.toIntExact((long) out * in / group)], biases = new float[scales.length];
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

    /** Runs a ceiling (in a fresh scope each time) until 1.5 s (0.5 s quick) or 40 runs after 3 warm-ups; returns {best, median}. */
    private double[] time(Runnable op) {
        long budget = quick ? 500_000_000L : 1_500_000_000L;
        for (int i = 0; i < 3; i++) once(op);
        List<Double> t = new ArrayList<>();
        long start = System.nanoTime();
        while (t.size() < 5 || t.size() < 40 && System.nanoTime() - start < budget) t.add(once(op));
        Summary s = Summary.of(t.stream().mapToDouble(Double::doubleValue).toArray());
        return new double[] {s.min(), s.median()};
    }

    /**
     * Alternates {@code op} with {@code ceiling}, after a warm-up of at least 3 pairs and 1 s (0.3 s
     * quick) so that the JIT has compiled a new kernel before it is timed; returns {best op time,
     * median op time, pairs, median of (ceiling time / op time) over adjacent pairs}.
     */
    private double[] paired(Runnable op, Runnable ceiling) {
        long warm = quick ? 300_000_000L : 1_000_000_000L;
        long budget = quick ? 1_000_000_000L : 3_000_000_000L;
        long warmStart = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - warmStart < warm; i++) {
            once(op);
            once(ceiling);
        }
        List<Double> times = new ArrayList<>(), ratios = new ArrayList<>();
        long start = System.nanoTime();
        while (times.size() < 7 || times.size() < 40 && System.nanoTime() - start < budget) {
            double c = once(ceiling), k = once(op);
            times.add(k);
            ratios.add(c / k);
        }
        Summary t = Summary.of(times.stream().mapToDouble(Double::doubleValue).toArray());
        Summary r = Summary.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
        return new double[] {t.min(), t.median(), t.count(), r.median()};
    }

    private static double once(Runnable op) {
        try (Scope s = Scope.open()) {
            long t0 = System.nanoTime();
            op.run();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** One result row: {@code t} = {best, median, samples, ...} seconds; NaN ratios become null. */
    private void row(String kernel, String model, String layer, String shape, double[] t, double figure, String unit,
                     String ceiling, double ofCeiling, double ofGemmPeak) {
        Object[] values = {kernel, model, layer, shape, t[0], t[1], (int) t[2], figure, unit, ceiling,
                Double.isNaN(ofCeiling) ? null : ofCeiling, Double.isNaN(ofGemmPeak) ? null : ofGemmPeak};
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < ROW_FIELDS.size(); i++) r.put(ROW_FIELDS.get(i), values[i]);
        rows.add(r);
        progress.accept(r);
    }
}
