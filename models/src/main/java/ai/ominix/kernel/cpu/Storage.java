package ai.ominix.kernel.cpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory behind one or more tensors (an op result and its views). Reference counted: each
 * {@link CpuTensor} over it holds one reference, and the pooled block goes back to the
 * {@link BufferPool} when the last one is closed. Borrowed storage (a mapped weights file) is
 * owned elsewhere and never released here.
 */
final class Storage {

    final MemorySegment segment;
    private final BufferPool pool;
    private final BufferPool.Block block;
    private final AtomicInteger refs = new AtomicInteger(1);

    private Storage(MemorySegment segment, BufferPool pool, BufferPool.Block block) {
        this.segment = segment;
        this.pool = pool;
        this.block = block;
    }

    static Storage pooled(BufferPool pool, long bytes) {
        BufferPool.Block b = pool.acquire(bytes);
        return new Storage(b.segment, pool, b);
    }

    /** Memory owned by someone else (e.g. a mapped checkpoint); its owner frees it. */
    static Storage borrowed(MemorySegment segment) {
        return new Storage(segment, null, null);
    }

    Storage retain() {
        refs.incrementAndGet();
        return this;
    }

    void release() {
        if (refs.decrementAndGet() == 0 && block != null) pool.release(block);
    }
}
