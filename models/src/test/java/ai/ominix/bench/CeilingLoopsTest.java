package ai.ominix.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The ceiling loops do the work they are credited with: every byte read once, every FMA counted. */
class CeilingLoopsTest {

    @Test
    void parallelCoversTheRangeOnceInSixtyFourByteSlices() {
        long n = 1_000_003;
        for (int threads : new int[] {1, 3, 7}) {
            List<long[]> ranges = Collections.synchronizedList(new ArrayList<>());
            CeilingLoops.parallel(threads, n, (lo, hi) -> ranges.add(new long[] {lo, hi}));
            ranges.sort((a, b) -> Long.compare(a[0], b[0]));
            assertEquals(threads, ranges.size());
            long next = 0;
            for (long[] r : ranges) {
                assertEquals(next, r[0], "contiguous, no overlap");
                assertEquals(0, r[0] % 64);
                next = r[1];
            }
            assertEquals(n, next);
        }
    }

    @Test
    void readSumAddsEveryFloatOfTheBuffer() {
        // two full 1 MiB slices and a 768-byte tail (a multiple of four vectors at any width up to 512 bits)
        long bytes = (2L << 20) + 768;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(bytes, 64);
            for (long i = 0; i < bytes; i += 4) buf.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (i / 4) % 3 == 0 ? 2f : 0.5f);
            double expected = 0;
            for (long i = 0; i < bytes / 4; i++) expected += i % 3 == 0 ? 2 : 0.5;
            assertEquals(expected, CeilingLoops.readSum(buf, 0, bytes), 1e-6 * expected);
        }
    }

    @Test
    void fmaLoopCountsTwelveVectorFmasPerIteration() {
        assertEquals(2.0 * 12 * FloatVector.SPECIES_PREFERRED.length(), CeilingLoops.flopsPerIteration());
        // x ← 0.999999·x + 1e-7 converges to 0.1: after many iterations every chain is near it
        double sum = CeilingLoops.fmaLoop(20_000_000);
        assertEquals(12 * FloatVector.SPECIES_PREFERRED.length() * 0.1, sum, 0.05 * sum);
        double bandwidth = Roofline.readBandwidth(2, 8 << 20, 2), peak = Roofline.fmaPeak(2, 1);
        assertTrue(Double.isFinite(bandwidth) && bandwidth > 0 && Double.isFinite(peak) && peak > 0);
    }
}
