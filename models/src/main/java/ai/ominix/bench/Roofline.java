package ai.ominix.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ceilings measured in the same run as a benchmark (PERFORMANCE.md): the memory read bandwidth
 * that bounds single-stream decode, and the f32 FMA throughput that bounds prefill, both on
 * {@code threads} platform threads with the preferred vector species. Best of several repetitions.
 */
public final class Roofline {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Roofline() {}

    /** Bytes per second read by summing a {@code bytes}-sized off-heap buffer (beyond any cache). */
    public static double readBandwidth(int threads, long bytes, int repeats) throws Exception {
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            MemorySegment buf = arena.allocate(bytes, 64);
            buf.fill((byte) 1);
            long slice = bytes / threads / F.vectorByteSize() / 4 * F.vectorByteSize() * 4;
            double best = 0;
            for (int r = 0; r < repeats; r++) {
                List<Future<Float>> parts = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    long from = t * slice;
                    parts.add(pool.submit(() -> sum(buf, from, from + slice)));
                }
                float total = 0;
                for (Future<Float> f : parts) total += f.get();
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (total == 42) System.out.print("");   // keep the sums alive
                best = Math.max(best, slice * threads / seconds);
            }
            return best;
        }
    }

    private static float sum(MemorySegment s, long from, long to) {
        FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F), c = FloatVector.zero(F), d = FloatVector.zero(F);
        long step = F.vectorByteSize();
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        for (long i = from; i < to; i += 4 * step) {
            a = a.add(FloatVector.fromMemorySegment(F, s, i, le));
            b = b.add(FloatVector.fromMemorySegment(F, s, i + step, le));
            c = c.add(FloatVector.fromMemorySegment(F, s, i + 2 * step, le));
            d = d.add(FloatVector.fromMemorySegment(F, s, i + 3 * step, le));
        }
        return a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
    }

    /** f32 FLOP/s of register-resident fused multiply-adds (2 FLOPs each) on every thread. */
    public static double fmaPeak(int threads, int repeats) throws Exception {
        long iterations = 20_000_000L;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            double best = 0;
            for (int r = 0; r < repeats; r++) {
                List<Future<Float>> parts = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) parts.add(pool.submit(() -> fmaLoop(iterations)));
                float total = 0;
                for (Future<Float> f : parts) total += f.get();
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (total == 42) System.out.print("");
                best = Math.max(best, 2.0 * 8 * F.length() * iterations * threads / seconds);
            }
            return best;
        }
    }

    private static float fmaLoop(long iterations) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f), k = FloatVector.broadcast(F, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, k);
            a1 = a1.fma(m, k);
            a2 = a2.fma(m, k);
            a3 = a3.fma(m, k);
            a4 = a4.fma(m, k);
            a5 = a5.fma(m, k);
            a6 = a6.fma(m, k);
            a7 = a7.fma(m, k);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
    }

    /** Peak resident set size of this process (Linux {@code VmHWM}), or -1 where unknown. */
    public static long peakRssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
