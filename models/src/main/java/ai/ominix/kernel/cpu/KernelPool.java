package ai.ominix.kernel.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernels' own threads (never the common ForkJoin pool). {@link #parallelFor} publishes a job
 * whose chunks the calling thread and {@code threads − 1} workers pull from a shared counter, so a
 * core busy with something else just takes fewer chunks.
 *
 * <p>Why not a ForkJoinPool: a decode step is a few hundred parallel regions of 20–500 µs with
 * short serial gaps between them, and waking a parked worker costs a futex call plus the
 * scheduler's wake-up latency on every region. Here a worker keeps polling for the next job for
 * {@link #SPIN_NANOS} after finishing one and only then parks, so back-to-back regions start
 * without a wake-up. Measured on the 2-core machine, 8 chunks of 10 µs with 20–200 µs of serial
 * work between calls: 44–48 µs per call against 59–61 µs with the ForkJoinPool (ideal 40).
 *
 * <p>One job runs at a time: a caller that finds the pool busy (another engine's thread, or a
 * nested call from inside a chunk) runs its range inline on its own thread.
 */
final class KernelPool implements AutoCloseable {

    @FunctionalInterface
    interface Body {
        void run(int lo, int hi);
    }

    /** How long an idle worker polls for the next job before parking (covers the gaps of a decode step). */
    static final long SPIN_NANOS = Long.getLong("ominix.cpu.spinMicros", 1000) * 1000;

    private final int threads;
    private final Thread[] workers;
    /** Workers that are parked or about to park: a publisher must unpark them. */
    private final AtomicInteger sleepers = new AtomicInteger();
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job current;
    private volatile boolean closed;

    KernelPool(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Thread[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("ominix-kernel-" + i).unstarted(this::work);
            workers[i].start();
        }
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
        if (workers.length == 0 || maxChunks <= 1 || !busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Job job = new Job(n, maxChunks, body, Thread.currentThread());
            current = job;
            if (sleepers.get() > 0) {
                for (Thread w : workers) LockSupport.unpark(w);
            }
            job.run();
            job.await();
        } finally {
            current = null;
            busy.set(false);
        }
    }

    private void work() {
        Job seen = null;
        while (!closed) {
            Job j = current;
            if (j != null && j != seen) {
                seen = j;
                j.run();
                continue;
            }
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (!closed && ((j = current) == null || j == seen)) {
                if (System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                    continue;
                }
                sleepers.incrementAndGet();
                // re-check after announcing: a publisher that missed the announcement set current first
                j = current;
                if (!closed && (j == null || j == seen)) LockSupport.park(this);
                sleepers.decrementAndGet();
                deadline = System.nanoTime() + SPIN_NANOS;
            }
        }
    }

    private static final class Job {
        final int n, chunks;
        final Body body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean callerParked;

        Job(int n, int chunks, Body body, Thread caller) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.caller = caller;
        }

        void run() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == chunks && callerParked) LockSupport.unpark(caller);
                }
            }
        }

        /** Spins briefly (a chunk still running elsewhere is usually short), then parks until the last chunk ends. */
        void await() {
            for (int spin = 0; done.get() < chunks && spin < 20_000; spin++) Thread.onSpinWait();
            if (done.get() < chunks) {
                callerParked = true;
                while (done.get() < chunks) LockSupport.park(this);
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
