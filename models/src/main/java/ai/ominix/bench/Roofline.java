package ai.ominix.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Ceilings measured in the same run as a benchmark (PERFORMANCE.md): the memory read bandwidth
 * that bounds single-stream decode, and the f32 FMA throughput that bounds prefill, both on
 * {@code threads} platform threads with the preferred vector species ({@link CeilingLoops}, the
 * same loops as {@code ominix bench kernels}). Best of several repetitions: other load on a shared
 * machine only makes a repetition slower.
 */
public final class Roofline {

    /** Iterations of the FMA loop per thread and repetition (a few tenths of a second). */
    private static final long FMA_ITERATIONS = 20_000_000L;

    private Roofline() {}

    /** Bytes per second read by summing a {@code bytes}-sized off-heap buffer (beyond any cache). */
    public static double readBandwidth(int threads, long bytes, int repeats) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(bytes, 64);
            buf.fill((byte) 1);   // touch every page before timing
            double best = 0;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                CeilingLoops.parallel(threads, bytes, (lo, hi) -> CeilingLoops.sink(CeilingLoops.readSum(buf, lo, hi)));
                best = Math.max(best, bytes / ((System.nanoTime() - t0) / 1e9));
            }
            return best;
        }
    }

    /** f32 FLOP/s of register-resident fused multiply-adds (2 FLOPs each) on every thread. */
    public static double fmaPeak(int threads, int repeats) {
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            CeilingLoops.parallel(threads, threads, (lo, hi) -> CeilingLoops.sink(CeilingLoops.fmaLoop(FMA_ITERATIONS)));
            best = Math.max(best, CeilingLoops.flopsPerIteration() * FMA_ITERATIONS * threads / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }

    /** Peak resident set size of this process, or -1 where unknown. */
    public static long peakRssBytes() {
        return ProcessStats.peakRssBytes();
    }
}
