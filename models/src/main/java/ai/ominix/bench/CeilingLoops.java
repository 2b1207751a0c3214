package ai.ominix.bench;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops every benchmark measures the machine's ceilings with, so that all reports compare
 * against the same yardsticks: a Vector-API read of a large buffer (memory bandwidth, what bounds
 * decode) and register-only fused multiply-adds (f32 compute, what bounds prefill). They run on
 * plain platform threads, not on a backend's kernel pool.
 */
final class CeilingLoops {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Independent FMA chains per loop iteration: enough to cover the FMA latency on every pipe. */
    private static final int CHAINS = 12;

    private static volatile double sinkValue;

    private CeilingLoops() {}

    /** One thread's share {@code [lo, hi)} of a parallel loop. */
    interface Range {
        void run(long lo, long hi);
    }

    /** Splits {@code [0, n)} (in 64-byte multiples) over {@code threads} platform threads and waits for them. */
    static void parallel(int threads, long n, Range body) {
        // The calling thread takes the first part and long-lived helpers the rest: starting threads
        // per call would charge the ceilings a cost the kernel pool does not pay.
        java.util.List<java.util.concurrent.Future<?>> parts = new java.util.ArrayList<>();
        for (int i = 1; i < threads; i++) {
            long lo = n * i / threads / 64 * 64, hi = i == threads - 1 ? n : n * (i + 1) / threads / 64 * 64;
            parts.add(Helpers.POOL.submit(() -> body.run(lo, hi)));
        }
        body.run(0, threads == 1 ? n : n / threads / 64 * 64);
        for (java.util.concurrent.Future<?> f : parts) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring a ceiling", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("ceiling loop failed", e.getCause());
            }
        }
    }

    /** Daemon helper threads for {@link #parallel}, created on first use (bench processes only). */
    private static final class Helpers {
        static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-ceiling");
            t.setDaemon(true);
            return t;
        });
    }

    /** Keeps a result alive so that the JIT cannot drop the loop that made it. */
    static void sink(double v) {
        sinkValue += v;
    }

    /** Sums bytes {@code [lo, hi)} of {@code s} as floats, in 1 MiB slices with int-indexed loops (C2 optimizes those best). */
    static double readSum(MemorySegment s, long lo, long hi) {
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

    /** FLOPs of one {@link #fmaLoop} iteration (a fused multiply-add is 2). */
    static double flopsPerIteration() {
        return 2.0 * CHAINS * F.length();
    }

    /** {@code iters} iterations of {@link #CHAINS} independent vector FMAs, all in registers. */
    static double fmaLoop(long iters) {
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
}
