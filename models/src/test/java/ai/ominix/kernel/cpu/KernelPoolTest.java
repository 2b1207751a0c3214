package ai.ominix.kernel.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class KernelPoolTest {

    @Test
    void everyIndexRunsExactlyOnceEvenFromConcurrentCallers() throws Exception {
        try (KernelPool pool = new KernelPool(3); ExecutorService callers = Executors.newFixedThreadPool(3)) {
            Future<?>[] f = new Future<?>[3];
            for (int c = 0; c < 3; c++) {
                f[c] = callers.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        int n = 1 + round * 7;
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        pool.parallelFor(n, 3, (lo, hi) -> {
                            for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
                            // nested use from a worker runs inline instead of deadlocking
                            pool.parallelFor(4, 1, (a, b) -> { });
                        });
                        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n);
                    }
                    return null;
                });
            }
            for (Future<?> x : f) x.get();
        }
    }

    @Test
    void aFailingChunkFailsTheCall() {
        try (KernelPool pool = new KernelPool(2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(100, 1, (lo, hi) -> {
                if (lo <= 50 && 50 < hi) throw new IllegalArgumentException("chunk with 50");
            }));
            assertEquals("chunk with 50", e.getMessage());
        }
    }
}
