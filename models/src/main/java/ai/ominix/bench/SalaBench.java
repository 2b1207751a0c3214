package ai.ominix.bench;

import ai.ominix.generate.Sampler;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.Scope;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.models.sala.SalaModel;
import ai.ominix.models.sala.SalaState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * MiniCPM-SALA speed at the real 9B shape on random 8-bit weights (issue 7 item 6): prefill
 * tokens/s and time to first token for each prompt length, decode tokens/s at short context and at
 * a long context, peak RSS, next to the read-bandwidth and FMA ceilings measured in the same run.
 * Long-context decode starts from a {@link SalaModel#syntheticState synthetic state} (a real prefill
 * of 8K tokens would dominate the run; decode cost does not depend on the cached values).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... ai.ominix.bench.SalaBench \
 *     [--backend cpu] [--threads N] [--cache ~/.cache/ominix-bench] [--bits 8] \
 *     [--prompts 512,4096] [--decode 16] [--long-context 8192]
 * </pre>
 */
public final class SalaBench {

    /** What one run measured; times in seconds, rates per second. */
    public record Report(String backend, int threads, long bytesPerToken, double flopsPerToken, double readBandwidth,
                         double fmaPeak,
                         double loadSeconds, List<Prefill> prefills, Decode shortDecode, Decode longDecode,
                         long peakRss) {

        /** Decode tokens/s if every weight byte were read once per token at the measured bandwidth. */
        public double decodeBound() {
            return readBandwidth / bytesPerToken;
        }
    }

    public record Prefill(int tokens, double seconds, double timeToFirstToken) {
        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    /** @param context tokens in the state when decoding started */
    public record Decode(int context, int tokens, double medianStepSeconds) {
        public double tokensPerSecond() {
            return 1 / medianStepSeconds;
        }
    }

    private SalaBench() {}

    /** @param bandwidthBytes size of the buffer the read-bandwidth ceiling streams (well beyond the caches) */
    public static Report run(Backend backend, Path modelDir, int threads, int[] prompts, int decodeTokens, int longContext,
                             long bandwidthBytes) throws Exception {
        double bandwidth = Roofline.readBandwidth(threads, bandwidthBytes, 5);
        double fma = Roofline.fmaPeak(threads, 3);
        long t0 = System.nanoTime();
        try (SalaModel model = SalaModel.load(modelDir, backend)) {
            double load = (System.nanoTime() - t0) / 1e9;
            Random r = new Random(1);
            List<Prefill> prefills = new ArrayList<>();
            Decode shortDecode = null;
            for (int p : prompts) {
                int[] ids = new int[p];
                for (int i = 0; i < p; i++) ids[i] = 3 + r.nextInt(model.config().vocabSize() - 11);
                try (SalaState state = model.newState()) {
                    long start = System.nanoTime();
                    float[] logits = model.forwardLogits(ids, state);
                    double prefill = (System.nanoTime() - start) / 1e9;
                    int first = Sampler.argmax(logits);
                    double ttft = (System.nanoTime() - start) / 1e9;
                    prefills.add(new Prefill(p, prefill, ttft));
                    if (shortDecode == null) shortDecode = decode(model, state, first, decodeTokens);
                }
            }
            Decode longDecode = null;
            if (longContext > 0) {
                try (SalaState state = model.syntheticState(longContext, 7)) {
                    longDecode = decode(model, state, 5, decodeTokens);
                }
            }
            return new Report(backend.name(), threads, model.weightBytesPerToken(), flopsPerToken(model.config()),
                    bandwidth, fma, load, prefills,
                    shortDecode, longDecode, Roofline.peakRssBytes());
        }
    }

    private static Decode decode(SalaModel model, SalaState state, int token, int steps) {
        int context = state.length();
        double[] times = new double[steps];
        for (int i = 0; i < steps; i++) {
            long start = System.nanoTime();
            try (Scope s = Scope.open()) {
                token = Sampler.argmax(model.forwardLogits(new int[] {token}, state));
            }
            times[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(times);
        return new Decode(context, steps, times[steps / 2]);
    }

    /** The report as the rows of BENCHMARKS.md. */
    public static String format(Report r) {
        StringBuilder b = new StringBuilder();
        Locale l = Locale.ROOT;
        b.append(String.format(l, "backend %s, %d threads, %s %s, %s%n", r.backend(), r.threads(),
                System.getProperty("java.vm.name"), Runtime.version(), cpuName()));
        b.append(String.format(l, "ceilings: read bandwidth %.1f GB/s, f32 FMA %.0f GFLOP/s; weights read per token %.2f GB "
                + "-> decode bound %.2f tok/s; load %.1f s; peak RSS %.2f GiB%n", r.readBandwidth() / 1e9,
                r.fmaPeak() / 1e9, r.bytesPerToken() / 1e9, r.decodeBound(), r.loadSeconds(), r.peakRss() / (double) (1L << 30)));
        b.append("| what | tokens | time s | tok/s | of bound |\n|---|---|---|---|---|\n");
        for (Prefill p : r.prefills()) {
            double flops = r.flopsPerToken() * p.tokens();
            b.append(String.format(l, "| prefill %d (TTFT %.2f s) | %d | %.2f | %.1f | %.1f %% of FMA peak |%n", p.tokens(),
                    p.timeToFirstToken(), p.tokens(), p.seconds(), p.tokensPerSecond(), 100 * flops / p.seconds() / r.fmaPeak()));
        }
        for (Decode d : new Decode[] {r.shortDecode(), r.longDecode()}) {
            if (d == null) continue;
            b.append(String.format(l, "| decode at context %d | %d | %.3f / token | %.2f | %.0f %% of bandwidth bound |%n",
                    d.context(), d.tokens(), d.medianStepSeconds(), d.tokensPerSecond(), 100 * d.tokensPerSecond() / r.decodeBound()));
        }
        return b.toString();
    }

    /** 2 FLOPs per weight of every linear layer (attention scores excluded: small at these lengths). */
    static double flopsPerToken(SalaConfig c) {
        double d = c.hiddenSize();
        double weights = c.vocabSize() * d;
        for (SalaConfig.Mixer m : c.mixers()) {
            weights += 3 * d * c.intermediateSize();
            weights += m == SalaConfig.Mixer.SPARSE
                    ? 3 * d * d + 2 * d * c.numKvHeads() * c.sparseHeadDim()
                    : 3 * d * d + 2 * d * c.lightningKvHeads() * c.headDim();
        }
        return 2 * weights;
    }

    private static String cpuName() {
        return MachineInfo.current().cpuModel();
    }

    public static void main(String[] args) throws Exception {
        String kind = "cpu";
        int threads = Runtime.getRuntime().availableProcessors();
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "ominix-bench");
        int bits = 8;
        int[] prompts = {512};
        int decode = 16;
        int longContext = 8192;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--backend" -> kind = v;
                case "--threads" -> threads = Integer.parseInt(v);
                case "--cache" -> cache = Path.of(v);
                case "--bits" -> bits = Integer.parseInt(v);
                case "--prompts" -> prompts = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--decode" -> decode = Integer.parseInt(v);
                case "--long-context" -> longContext = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        long t0 = System.nanoTime();
        Path dir = RandomSalaCheckpoint.ensure(cache, bits);
        System.out.printf(Locale.ROOT, "checkpoint %s ready in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
        try (Backend backend = Backends.open(kind, threads)) {
            System.out.print(format(run(backend, dir, threads, prompts, decode, longContext, 1L << 30)));
        }
    }
}
