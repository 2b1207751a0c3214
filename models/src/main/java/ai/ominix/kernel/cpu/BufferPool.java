package ai.ominix.kernel.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner of the CPU backend's native memory. Every block lives in its own shared {@link Arena}
 * (kernel worker threads read and write it) and is recycled by size class instead of being freed,
 * so a decode step that allocates the same shapes as the previous one allocates nothing new.
 * Freed blocks beyond {@code maxCachedBytes} are released at once. {@link #close} releases
 * everything, including blocks still held by live tensors (later access then throws
 * {@link IllegalStateException}, never touches freed memory).
 */
final class BufferPool implements AutoCloseable {

    /** One native allocation; {@code segment} is the whole (rounded-up) block. */
    static final class Block {
        final Arena arena;
        final MemorySegment segment;
        final int sizeClass;

        Block(Arena arena, MemorySegment segment, int sizeClass) {
            this.arena = arena;
            this.segment = segment;
            this.sizeClass = sizeClass;
        }
    }

    private static final int CLASSES = 4 * 64;

    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedDeque<Block>[] free = new ConcurrentLinkedDeque[CLASSES];
    private final Set<Block> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicLong cachedBytes = new AtomicLong();
    private final long maxCachedBytes;
    private volatile boolean closed;

    BufferPool(long maxCachedBytes) {
        this.maxCachedBytes = maxCachedBytes;
        for (int i = 0; i < CLASSES; i++) free[i] = new ConcurrentLinkedDeque<>();
    }

    /** Size class: 64 B minimum, then four steps per power of two (at most 25 % slack). */
    static int sizeClass(long bytes) {
        if (bytes <= 64) return 0;
        int e = 63 - Long.numberOfLeadingZeros(bytes - 1); // 2^e < bytes <= 2^(e+1)
        long base = 1L << e;
        int quarter = (int) ((bytes - 1 - base) / (base / 4)); // 0..3
        return 4 * (e - 6) + quarter + 1;
    }

    static long classBytes(int sizeClass) {
        if (sizeClass == 0) return 64;
        int e = (sizeClass - 1) / 4 + 6, quarter = (sizeClass - 1) % 4;
        long base = 1L << e;
        return base + (quarter + 1) * (base / 4);
    }

    /** A block of at least {@code bytes} bytes, 64-byte aligned, contents unspecified. */
    Block acquire(long bytes) {
        if (closed) throw new IllegalStateException("CPU backend is closed");
        int c = sizeClass(bytes);
        Block b = free[c].pollFirst();
        if (b != null) {
            cachedBytes.addAndGet(-b.segment.byteSize());
        } else {
            Arena arena = Arena.ofShared();
            try {
                b = new Block(arena, arena.allocate(classBytes(c), 64), c);
            } catch (OutOfMemoryError | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
        live.add(b);
        long now = liveBytes.addAndGet(b.segment.byteSize());
        peakBytes.accumulateAndGet(now, Math::max);
        return b;
    }

    void release(Block b) {
        if (!live.remove(b)) return; // released already, or freed by close()
        long size = b.segment.byteSize();
        liveBytes.addAndGet(-size);
        if (!closed && cachedBytes.get() + size <= maxCachedBytes) {
            cachedBytes.addAndGet(size);
            free[b.sizeClass].addFirst(b);
            if (closed) trim(); // raced with close(): do not leave a cached block behind
            return;
        }
        b.arena.close();
    }

    long liveBytes() {
        return liveBytes.get();
    }

    int liveBlocks() {
        return live.size();
    }

    long peakBytes() {
        return peakBytes.get();
    }

    long cachedBytes() {
        return cachedBytes.get();
    }

    /** Frees the cached (unused) blocks now. */
    void trim() {
        for (ConcurrentLinkedDeque<Block> q : free) {
            Block b;
            while ((b = q.pollFirst()) != null) {
                cachedBytes.addAndGet(-b.segment.byteSize());
                b.arena.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        trim();
        for (Block b : live) {
            if (live.remove(b)) {
                liveBytes.addAndGet(-b.segment.byteSize());
                try {
                    b.arena.close();
                } catch (IllegalStateException ignored) {
                    // a segment is being accessed right now by a racing op; that op fails instead
                }
            }
        }
    }
}
