package ai.ominix.server.engine;

import ai.ominix.engine.Cancellation;
import ai.ominix.server.http.ApiException;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads that call a loaded model, with a bounded queue in front of them: one
 * thread, or as many as the engine answers at once ({@code ChatEngine.parallel()}, continuous
 * batching). Engine compute (long native or SIMD loops) must not pin the carrier threads of the
 * HTTP virtual threads, so every call into an engine goes through here. A full queue answers 429
 * at once instead of letting requests pile up.
 */
public final class InferenceWorker implements AutoCloseable {
    private static final int RETRY_AFTER_SECONDS = 2;

    private final String name;
    private final ThreadPoolExecutor pool;
    /** Cancellations of the jobs queued or running, so that shutdown can stop them. */
    private final Set<Cancellation> active = ConcurrentHashMap.newKeySet();
    /**
     * Jobs submitted and not yet finished. Counted here rather than read from the pool, whose
     * active count drops only after the job's future has completed: a caller that saw its answer
     * must find the worker idle.
     */
    private final AtomicInteger outstanding = new AtomicInteger();

    public InferenceWorker(String name, int queueCapacity) {
        this(name, queueCapacity, 1);
    }

    /** @param slots jobs that run at once (the engine must take calls from that many threads) */
    public InferenceWorker(String name, int queueCapacity, int slots) {
        this.name = name;
        this.pool = new ThreadPoolExecutor(slots, slots, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, queueCapacity)),
                Thread.ofPlatform().name("infer-" + name).daemon(true).factory(),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Queues {@code job}. A job whose request was cancelled while it waited is skipped.
     *
     * @param onStart called on the worker when the job leaves the queue
     * @throws ApiException 429 when the queue is full
     */
    public <T> CompletableFuture<T> submit(Cancellation cancel, Runnable onStart, Callable<T> job) {
        CompletableFuture<T> result = new CompletableFuture<>();
        active.add(cancel);
        outstanding.incrementAndGet();
        try {
            pool.execute(() -> {
                T value = null;
                Throwable error = null;
                try {
                    cancel.check();
                    onStart.run();
                    value = job.call();
                } catch (Throwable t) {
                    error = t;
                } finally {
                    active.remove(cancel);
                    outstanding.decrementAndGet();
                }
                if (error != null) result.completeExceptionally(error);
                else result.complete(value);
            });
        } catch (RejectedExecutionException e) {
            active.remove(cancel);
            outstanding.decrementAndGet();
            if (pool.isShutdown()) throw ApiException.notReady("shutting_down", "the server is shutting down", 5);
            throw ApiException.queueFull("the " + name + " queue is full (" + pool.getQueue().size()
                    + " waiting); retry later", RETRY_AFTER_SECONDS);
        }
        return result;
    }

    /** Requests waiting (not counting the one running). */
    public int queued() {
        return pool.getQueue().size();
    }

    public boolean busy() {
        return outstanding.get() > pool.getQueue().size();
    }

    /** Nothing queued or running. */
    public boolean idle() {
        return outstanding.get() == 0;
    }

    /** Cancels every queued and running job. */
    public void cancelAll(String why) {
        for (Cancellation c : active) c.cancel(why);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
