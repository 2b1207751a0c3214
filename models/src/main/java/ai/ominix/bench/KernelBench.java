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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * CPU kernel benchmark: this machine's ceilings (a large copy, a large read, a register-only FMA
 * loop) and the kernels at real layer shapes through the public {@link Backend} API. Each kernel
 * run alternates with a run of its ceiling (a 64 MiB read for memory-bound kernels, a fixed FMA
 * loop for compute-bound ones), and the ratio is the median of the per-pair ratios, so a load that
 * comes and goes on a shared machine affects both sides alike. Prints a markdown table.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp models/target/classes ai.ominix.bench.KernelBench [threads] [--quick]</pre>
 */
public final class KernelBench {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final Backend be;
    private final int threads;
    private final boolean quick;
    private final List<String> rows = new ArrayList<>();
    private long seedCounter;
    private final Arena ceilingArena = Arena.ofShared();
    private MemorySegment readBuffer;
    private long fmaIters;

    private KernelBench(int threads, boolean quick) {
        this.threads = threads;
        this.quick = quick;
        this.be = new CpuBackend(threads);
    }

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        boolean quick = false;
        for (String a : args) {
            if (a.equals("--quick")) quick = true;
            else threads = Integer.parseInt(a);
        }
        KernelBench b = new KernelBench(threads, quick);
        try {
            b.run();
        } finally {
            b.be.close();
            b.ceilingArena.close();
        }
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "CPU: %s; %s; JDK %s; vector species %d-bit; %d threads; load average at start %s%n",
                cpuName(), System.getProperty("os.arch"), Runtime.version(), F.vectorBitSize(), threads, loadAverage());
        rows.add("| kernel | shape | best | median | figure (best) | of ceiling (median of paired runs) |");
        rows.add("|---|---|---|---|---|---|");
        ceilings();
        matvecs();
        gemms();
        attention();
        System.out.printf(Locale.ROOT, "load average at end %s%n%n", loadAverage());
        rows.forEach(System.out::println);
    }

    // ---------------------------------------------------------------- ceilings

    private static final long PAIR_READ_BYTES = 64L << 20;

    private void ceilings() {
        long bytes = (quick ? 128L : 512L) << 20;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(bytes, 64), dst = arena.allocate(bytes, 64);
            src.fill((byte) 1);
            dst.fill((byte) 2);
            double[] copy = time(() -> parallel(bytes, (lo, hi) -> MemorySegment.copy(src, lo, dst, lo, hi - lo)));
            row("memory copy (read + write)", (bytes >> 20) + " MiB", copy, gbs(2.0 * bytes / copy[0]), "ceiling");
            double[] read = time(() -> parallel(bytes, (lo, hi) -> sink(readSum(src, lo, hi))));
            row("memory read (vector sum)", (bytes >> 20) + " MiB", read, gbs(bytes / read[0]), "ceiling");
        }
        readBuffer = ceilingArena.allocate(PAIR_READ_BYTES, 64);
        readBuffer.fill((byte) 1);
        fmaIters = quick ? 2_000_000L : 4_000_000L;
        double[] fma = time(this::fmaCeiling);
        row("register FMA loop (12 chains)", threads + " threads", fma, gflops(fmaFlops() / fma[0]), "ceiling");
        int n = quick ? 1024 : 2048;
        Tensor a = keep(() -> be.fromArray(random(n * n, 1), n, n)), b = keep(() -> be.fromArray(random(n * n, 2), n, n));
        computeRow("f32 GEMM (ours) on a cube", n + "³", 2.0 * n * n * n, () -> be.matmul(a, b));
        close(a, b);
    }

    private void readCeiling() {
        parallel(PAIR_READ_BYTES, (lo, hi) -> sink(readSum(readBuffer, lo, hi)));
    }

    private void fmaCeiling() {
        parallel(threads, (lo, hi) -> sink(fmaLoop(fmaIters / threads)));
    }

    private double fmaFlops() {
        return 2.0 * 12 * F.length() * (fmaIters / threads) * threads;
    }

    /** A memory-bound kernel reading {@code bytes} per call, paired with the 64 MiB read. */
    private void bandwidthRow(String what, String shape, double bytes, Runnable op) {
        double[] t = paired(op, this::readCeiling);
        double ratio = t[2] * bytes / PAIR_READ_BYTES;
        row(what, shape, t, gbs(bytes / t[0]), pct(ratio) + " of read");
    }

    /** A compute-bound kernel doing {@code flops} per call, paired with the FMA loop. */
    private void computeRow(String what, String shape, double flops, Runnable op) {
        double[] t = paired(op, this::fmaCeiling);
        row(what, shape, t, gflops(flops / t[0]), pct(t[2] * flops / fmaFlops()) + " of FMA peak");
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

    /** out × in of real layers: Qwen3-ASR 1.7B MLP/attention and MiniCPM-SALA 9B MLP. */
    private static final int[][] MATVEC_SHAPES = {{2048, 6144}, {6144, 2048}, {1024, 3072}, {4096, 16384}, {16384, 4096}};

    /** Weight copies cycled through so that the working set (≥ 256 MiB) is far beyond the last-level cache, as in a real model. */
    private static int copiesFor(long bytes) {
        return (int) Math.max(1, Math.min(32, (256L << 20) / bytes + 1));
    }

    private void matvecs() {
        for (int bits : new int[] {8, 4}) {
            for (int[] s : MATVEC_SHAPES) {
                QuantizedWeight first = quantized(s[0], s[1], bits, 64);
                int copies = copiesFor(weightBytes(first));
                QuantizedWeight[] ws = new QuantizedWeight[copies];
                ws[0] = first;
                for (int i = 1; i < copies; i++) ws[i] = quantized(s[0], s[1], bits, 64);
                Tensor x = keep(() -> be.fromArray(random(s[1], 3), 1, s[1]));
                int[] next = {0};
                bandwidthRow("quantized matvec " + bits + "-bit g64", s[0] + "×" + s[1], weightBytes(first),
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
        bandwidthRow("bf16 matvec (unquantized weights)", s[0] + "×" + s[1], 2.0 * s[0] * s[1],
                () -> be.linear(x, ws[next[0]++ % copies], null));
        close((Object[]) ws);
        close(x);
    }

    private void gemms() {
        int m = 400, k = 1024, n = 4096;
        String shape = m + "×" + k + "×" + n;
        Tensor x = keep(() -> be.fromArray(random(m * k, 6), m, k));
        Tensor wf = keep(() -> be.fromArray(random(n * k, 7), n, k));
        gemmRow("f32 × f32 weights (linear)", shape, m, k, n, () -> be.linear(x, wf, null));
        Tensor wb = keep(() -> be.astype(wf, DType.BF16));
        gemmRow("f32 × bf16 weights (linear)", shape, m, k, n, () -> be.linear(x, wb, null));
        for (int bits : new int[] {8, 4}) {
            QuantizedWeight q = quantized(n, k, bits, 64);
            gemmRow("f32 × " + bits + "-bit weights (quantizedMatmul)", shape, m, k, n, () -> be.quantizedMatmul(x, q));
            close(q);
        }
        close(x, wf, wb);
        int m2 = 1500, k2 = 4320, n2 = 480; // the audio stem's second conv as a GEMM: 3·3·480 → 480 per output pixel
        Tensor img = keep(() -> be.fromArray(random(2 * 64 * 50 * 480, 8), 2, 64, 50, 480));
        Tensor cw = keep(() -> be.astype(be.fromArray(random(480 * 9 * 480, 9), 480, 3, 3, 480), DType.BF16));
        computeRow("conv2d 3×3 s2 (implicit im2col GEMM)", "[2,64,50,480]→480", 2.0 * 2 * 32 * 25 * 480 * 4320,
                () -> be.conv2d(img, cw, null, 2, 2, 1, 1));
        close(img, cw);
    }

    private void gemmRow(String what, String shape, int m, int k, int n, Supplier<Tensor> op) {
        computeRow(what, shape, 2.0 * m * k * n, op::get);
    }

    private void attention() {
        int hq = 16, hkv = 8, d = 128, ctx = 4096;
        Tensor k = keep(() -> be.fromArray(random(hkv * ctx * d, 10), 1, hkv, ctx, d));
        Tensor v = keep(() -> be.fromArray(random(hkv * ctx * d, 11), 1, hkv, ctx, d));
        Tensor q1 = keep(() -> be.fromArray(random(hq * d, 12), 1, hq, 1, d));
        bandwidthRow("attention decode, causal, GQA 16/8, d128 (f32 K/V read)", "1 query × 4096 keys", 2.0 * hkv * ctx * d * 4,
                () -> be.scaledDotProductAttention(q1, k, v, 0.088f, AttentionMask.causal()));
        int lq = quick ? 256 : 1024;
        Tensor qp = keep(() -> be.fromArray(random(hq * lq * d, 13), 1, hq, lq, d));
        double flops = 4.0 * hq * d * ((double) lq * ctx - (double) lq * lq / 2);
        computeRow("attention prefill chunk, causal, GQA 16/8, d128", lq + " queries × 4096 keys", flops,
                () -> be.scaledDotProductAttention(qp, k, v, 0.088f, AttentionMask.causal()));
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

    /** Runs {@code op} (in a fresh scope each time) until 1.5 s or 40 runs after warm-up; returns {best, median} seconds. */
    private double[] time(Runnable op) {
        long budget = quick ? 500_000_000L : 1_500_000_000L;
        for (int i = 0; i < 3; i++) once(op);
        List<Double> t = new ArrayList<>();
        long start = System.nanoTime();
        while (t.size() < 5 || t.size() < 40 && System.nanoTime() - start < budget) t.add(once(op));
        double[] a = t.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {a[0], a[a.length / 2]};
    }

    /**
     * Alternates {@code op} with {@code ceiling}; returns {best op time, median op time, median of
     * (ceiling time / op time) over adjacent pairs}.
     */
    private double[] paired(Runnable op, Runnable ceiling) {
        long budget = quick ? 1_000_000_000L : 3_000_000_000L;
        for (int i = 0; i < 3; i++) {
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
        double[] t = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] r = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {t[0], t[t.length / 2], r[r.length / 2]};
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

    private void row(String what, String shape, double[] t, String figure, String ratio) {
        rows.add("| " + what + " | " + shape + " | " + ms(t[0]) + " | " + ms(t[1]) + " | " + figure + " | " + ratio + " |");
        System.out.println(rows.get(rows.size() - 1));
    }

    private static String ms(double s) {
        return s < 1e-3 ? String.format(Locale.ROOT, "%.0f µs", s * 1e6) : String.format(Locale.ROOT, "%.2f ms", s * 1e3);
    }

    private static String gbs(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f GB/s", bytesPerSecond / 1e9);
    }

    private static String gflops(double flopsPerSecond) {
        return String.format(Locale.ROOT, "%.0f GFLOP/s", flopsPerSecond / 1e9);
    }

    private static String pct(double r) {
        return String.format(Locale.ROOT, "%.0f %%", r * 100);
    }

    private static String cpuName() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (Exception e) {
            return System.getProperty("os.arch");
        }
    }

    private static String loadAverage() {
        try {
            return Arrays.toString(Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (Exception e) {
            return "n/a";
        }
    }
}
