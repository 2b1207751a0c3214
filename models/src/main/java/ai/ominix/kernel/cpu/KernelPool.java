package ai.ominix.kernel.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernels' own threads (never the common ForkJoin pool). {@link #parallelFor} splits a range
 * into chunks that the calling thread and {@code threads − 1} pool workers pull from a shared
 * counter, so a core busy with something else just takes fewer chunks. Several callers (the ASR
 * and chat workers) may use the pool at once; a call made from a pool worker runs inline.
 */
final class KernelPool implements AutoCloseable {

    @FunctionalInterface
    interface Body {
        void run(int lo, int hi);
    }

    private final int threads;
    private final ForkJoinPool pool;

    KernelPool(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : new ForkJoinPool(this.threads - 1, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("ominix-kernel-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} items, returning when
     * all are done. Exceptions from any chunk are rethrown here.
     */
    void parallelFor(int n, int grain, Body body) {
        if (n <= 0) return;
        int maxChunks = (int) Math.min((n + (long) grain - 1) / Math.max(1, grain), threads * 4L);
        if (pool == null || maxChunks <= 1 || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool) {
            body.run(0, n);
            return;
        }
        Job job = new Job(n, maxChunks, body, Thread.currentThread());
        int helpers = Math.min(threads - 1, maxChunks - 1);
        for (int i = 0; i < helpers; i++) pool.execute(job);
        job.run();
        job.await();
    }

    private static final class Job implements Runnable {
        final int n, chunks;
        final Body body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int n, int chunks, Body body, Thread caller) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.caller = caller;
        }

        @Override
        public void run() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == chunks && Thread.currentThread() != caller) LockSupport.unpark(caller);
                }
            }
        }

        void await() {
            for (int spin = 0; done.get() < chunks && spin < 2000; spin++) Thread.onSpinWait();
            while (done.get() < chunks) LockSupport.park(this);
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
