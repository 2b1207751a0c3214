package ai.ominix.bench;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Scope;
import java.util.Locale;
import java.util.Random;

/**
 * What a batched decode step costs in the quantized product, one shape, one run: {@code m}
 * activation rows through an {@code out × in} 8-bit (group 64, bf16 scales) weight for m = 1
 * (the matvec) and the few-rows kernel's batch sizes; per call, per row, and the weight bytes per
 * second the call reaches. Enough weight copies are cycled that they come from DRAM, as a
 * model's do. Best of {@code --repeat} passes of 4 × copies calls.
 *   FewRowsBench [--out 4096] [--in 4096] [--rows 1,2,3,4,6,8,16] [--threads T] [--repeat 5]
 */
public final class FewRowsBench {
    private FewRowsBench() {}

    public static void main(String[] args) {
        int out = 4096, in = 4096, threads = Runtime.getRuntime().availableProcessors(), repeat = 5;
        int[] rows = {1, 2, 3, 4, 6, 8, 16};
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--out" -> out = Integer.parseInt(v);
                case "--in" -> in = Integer.parseInt(v);
                case "--rows" -> rows = java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--threads" -> threads = Integer.parseInt(v);
                case "--repeat" -> repeat = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long bytes = (long) out * in + 4L * out * (in / 64);
        int copies = (int) Math.max(1, Math.min(32, (256L << 20) / bytes + 1));
        try (Backend be = Backends.open("cpu", threads)) {
            Random r = new Random(1);
            QuantizedWeight[] ws = new QuantizedWeight[copies];
            for (int c = 0; c < copies; c++) ws[c] = weight(be, r, out, in);
            System.out.printf(Locale.ROOT, "%d×%d 8-bit g64, %d copies, %d threads%n", out, in, copies, threads);
            double one = 0;
            for (int m : rows) {
                float[] x = new float[m * in];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                long best = Long.MAX_VALUE;
                for (int rep = 0; rep < repeat; rep++) {
                    long t0 = System.nanoTime();
                    for (int c = 0; c < copies * 4; c++) {
                        try (Scope s = Scope.open()) {
                            be.eval(be.quantizedMatmul(be.fromArray(x, m, in), ws[c % copies]));
                        }
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                }
                double ms = best / (copies * 4.0) / 1e6;
                if (m == 1) one = ms;
                System.out.printf(Locale.ROOT, "rows %2d: %.3f ms per call (%.2f× one row), %.3f ms per row, %.1f GB/s of weights%n",
                        m, ms, one == 0 ? Double.NaN : ms / one, ms / m, bytes / ms / 1e6);
            }
            for (QuantizedWeight w : ws) {
                w.packed().close();
                w.scales().close();
                w.biases().close();
            }
        }
    }

    private static QuantizedWeight weight(Backend be, Random r, int out, int in) {
        int[] packed = new int[out * in / 4];
        for (int i = 0; i < packed.length; i++) packed[i] = r.nextInt();
        float[] scales = new float[out * in / 64], biases = new float[scales.length];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = 0.01f + 0.001f * r.nextFloat();
            biases[i] = -1.2f * scales[i];
        }
        try (Scope s = Scope.open()) {
            return new QuantizedWeight(Scope.detach(be.astype(be.fromArray(packed, out, in / 4), DType.U32)),
                    Scope.detach(be.astype(be.fromArray(scales, out, in / 64), DType.BF16)),
                    Scope.detach(be.astype(be.fromArray(biases, out, in / 64), DType.BF16)), 64, 8);
        }
    }
}
