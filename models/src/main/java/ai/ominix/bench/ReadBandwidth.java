package ai.ominix.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory-read ceiling a decode step is bound by: {@code threads} threads summing disjoint
 * slices of a buffer much larger than the caches, best of a few passes (other load on a shared
 * machine only makes passes slower).
 */
public final class ReadBandwidth {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private ReadBandwidth() {}

    /** Bytes per second. */
    public static double measure(int threads, long bytes, int passes) throws InterruptedException {
        try (Arena arena = Arena.ofShared()) {
            long floats = bytes / 4 / (F.length() * 4L * threads) * (F.length() * 4L * threads);
            MemorySegment buf = arena.allocate(floats * 4, 64);
            buf.fill((byte) 1); // touch every page before timing
            double best = 0;
            float[] sink = new float[threads];
            for (int p = 0; p < passes; p++) {
                List<Thread> workers = new ArrayList<>();
                long per = floats / threads;
                long start = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    workers.add(Thread.ofPlatform().start(() -> sink[id] = sum(buf, id * per * 4, per)));
                }
                for (Thread w : workers) w.join();
                best = Math.max(best, floats * 4 / ((System.nanoTime() - start) / 1e9));
            }
            if (Float.isNaN(sink[0])) throw new IllegalStateException(); // keep the sums alive
            return best;
        }
    }

    private static float sum(MemorySegment seg, long offset, long floats) {
        FloatVector a = FloatVector.zero(F), b = a, c = a, d = a;
        int step = F.length() * 4;
        long end = offset + floats * 4;
        for (long at = offset; at < end; at += step * 4L) {
            a = a.add(FloatVector.fromMemorySegment(F, seg, at, ByteOrder.nativeOrder()));
            b = b.add(FloatVector.fromMemorySegment(F, seg, at + step, ByteOrder.nativeOrder()));
            c = c.add(FloatVector.fromMemorySegment(F, seg, at + 2L * step, ByteOrder.nativeOrder()));
            d = d.add(FloatVector.fromMemorySegment(F, seg, at + 3L * step, ByteOrder.nativeOrder()));
        }
        return a.add(b).add(c).add(d).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
