package ai.ominix.kernel.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void sizeClassesCoverEveryRequestWithAtMostAQuarterSlack() {
        long prev = 0;
        for (int c = 0; c < 200; c++) {
            long bytes = BufferPool.classBytes(c);
            assertTrue(bytes > prev, "class sizes increase");
            assertEquals(c, BufferPool.sizeClass(bytes), "a class's own size maps to it");
            assertEquals(c, BufferPool.sizeClass(prev + 1), "the smallest request above the previous class");
            if (c > 1) assertTrue(bytes <= 1.25 * (prev + 1) + 64, "slack of class " + c);
            prev = bytes;
        }
    }

    @Test
    void freedBlocksAreReusedAndCountedUntilClose() {
        BufferPool pool = new BufferPool(1 << 20);
        BufferPool.Block a = pool.acquire(1000);
        assertTrue(a.segment.byteSize() >= 1000);
        assertEquals(0, a.segment.address() % 64, "64-byte aligned");
        assertEquals(1, pool.liveBlocks());
        pool.release(a);
        pool.release(a); // idempotent
        assertEquals(0, pool.liveBlocks());
        assertEquals(a.segment.byteSize(), pool.cachedBytes());
        BufferPool.Block b = pool.acquire(990);
        assertSame(a, b, "same size class: the cached block comes back");
        BufferPool.Block big = pool.acquire(4 << 20);
        pool.release(big);
        assertEquals(0, pool.cachedBytes(), "a block over the cache limit is freed at once");
        assertTrue(pool.peakBytes() >= (4 << 20));
        pool.close();
        assertEquals(0, pool.liveBlocks());
        assertThrows(IllegalStateException.class, () -> b.segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> pool.acquire(8));
    }
}
