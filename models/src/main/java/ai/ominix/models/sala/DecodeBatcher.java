package ai.ominix.models.sala;

import ai.ominix.kernel.Scope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Continuous batching: the one thread that runs the model for all the requests being answered at
 * once. Each request's own thread samples and streams; whenever it needs the model it hands the
 * work here and waits. Decode steps of all the sequences that are decoding run as one
 * {@link SalaModel#decode} call (the weights read once per step for all of them); a sequence joins
 * the batch with its first step and leaves when it is closed. A newcomer's prompt arrives in
 * segments ({@link PromptCache#SEGMENT} tokens each) that run between the steps, at most
 * {@code prefillChunk} tokens of them per step, so no stream stalls for a whole long prefill;
 * segments of several prompts take turns in arrival order.
 *
 * <p>A step waits until every decoding sequence has asked for its next token, or at most
 * {@link #STRAGGLER_NANOS} after the first one did (a request thread that is late for a step just
 * takes the next). Other work on the model (new, copied and closed states, the prompt cache) runs
 * here too, between steps, so that the model is only ever touched by this thread.
 */
final class DecodeBatcher implements AutoCloseable {

    /** How long a step waits for the slowest decoding sequence before it runs without it. */
    static final long STRAGGLER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final SalaModel model;
    private final int maxBatch;
    private final int prefillChunk;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** Prompt segments and other model work, in arrival order. */
    private final ArrayDeque<Job<?>> jobs = new ArrayDeque<>();
    /** Decode steps asked for since the last step ran. */
    private final List<Step> steps = new ArrayList<>();
    private long firstStepAt;
    /** Sequences decoding now (each asks for one step at a time). */
    private int decoding;
    private boolean closed;
    private long stepsRun;
    private long rowsRun;

    /**
     * @param maxBatch     most sequences in one step (more wait for the next)
     * @param prefillChunk tokens of prompt segments run between two decode steps (at least one segment)
     */
    DecodeBatcher(SalaModel model, String name, int maxBatch, int prefillChunk) {
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
        if (prefillChunk < 1) throw new IllegalArgumentException("prefillChunk must be at least 1");
        this.model = model;
        this.maxBatch = maxBatch;
        this.prefillChunk = prefillChunk;
        this.thread = Thread.ofPlatform().daemon().name("batch-" + name).start(this::loop);
    }

    private record Job<T>(Supplier<T> body, int tokens, CompletableFuture<T> done) {}

    private record Step(SalaState state, int token, CompletableFuture<float[]> done) {}

    /** Runs {@code body} on the model thread between steps and returns its result. */
    <T> T call(Supplier<T> body) {
        return await(enqueue(new Job<>(body, 0, new CompletableFuture<>())));
    }

    /** A prompt segment of {@code state} (its logits), run between decode steps. */
    float[] prefill(SalaState state, int[] tokens) {
        return await(enqueue(new Job<>(() -> model.forwardLogits(tokens, state), tokens.length, new CompletableFuture<>())));
    }

    /** The sequence will decode: steps wait for it from now on. */
    void join() {
        lock.lock();
        try {
            decoding++;
        } finally {
            lock.unlock();
        }
    }

    /** The sequence stopped decoding. */
    void leave() {
        lock.lock();
        try {
            decoding--;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** One decode step of {@code state} (which has {@link #join joined}), batched with the others': its logits. */
    float[] step(SalaState state, int token) {
        CompletableFuture<float[]> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the model is closed");
            if (steps.isEmpty()) firstStepAt = System.nanoTime();
            steps.add(new Step(state, token, done));
            work.signal();
        } finally {
            lock.unlock();
        }
        return await(done);
    }

    int maxBatch() {
        return maxBatch;
    }

    /** Steps run and the sequences they carried, for metrics and tests: {@code {steps, rows}}. */
    long[] counts() {
        lock.lock();
        try {
            return new long[] {stepsRun, rowsRun};
        } finally {
            lock.unlock();
        }
    }

    private <T> CompletableFuture<T> enqueue(Job<T> job) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the model is closed");
            jobs.add(job);
            work.signal();
        } finally {
            lock.unlock();
        }
        return job.done();
    }

    private static <T> T await(CompletableFuture<T> done) {
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw e;
        }
    }

    private void loop() {
        int budget = prefillChunk;
        while (true) {
            Job<?> job = null;
            List<Step> batch = null;
            lock.lock();
            try {
                while (true) {
                    if (closed && jobs.isEmpty() && steps.isEmpty()) return;
                    long waited = System.nanoTime() - firstStepAt;
                    boolean stepReady = !steps.isEmpty()
                            && (steps.size() >= Math.min(decoding, maxBatch) || waited >= STRAGGLER_NANOS || closed);
                    Job<?> head = jobs.peek();
                    if (head != null && (head.tokens() == 0 || budget > 0 || !stepReady)) {
                        job = jobs.poll();
                        break;
                    }
                    if (stepReady) {
                        int n = Math.min(maxBatch, steps.size());
                        batch = new ArrayList<>(steps.subList(0, n));
                        steps.subList(0, n).clear();
                        if (!steps.isEmpty()) firstStepAt = System.nanoTime();
                        break;
                    }
                    if (steps.isEmpty()) work.awaitUninterruptibly();
                    else work.awaitNanos(STRAGGLER_NANOS - waited);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (job != null) {
                run(job);
                budget -= job.tokens();
            } else {
                run(batch);
                budget = prefillChunk;
            }
        }
    }

    private static <T> void run(Job<T> job) {
        try {
            job.done().complete(job.body().get());
        } catch (Throwable t) {
            job.done().completeExceptionally(t);
        }
    }

    private void run(List<Step> batch) {
        try {
            int n = batch.size();
            int[] tokens = new int[n];
            SalaState[] states = new SalaState[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = batch.get(i).token();
                states[i] = batch.get(i).state();
            }
            float[] all;
            try (Scope s = Scope.open()) {
                all = model.backend().toFloatArray(model.decode(tokens, states));
            }
            int vocab = all.length / n;
            for (int i = 0; i < n; i++) {
                batch.get(i).done().complete(n == 1 ? all : java.util.Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab));
            }
            lock.lock();
            try {
                stepsRun++;
                rowsRun += n;
            } finally {
                lock.unlock();
            }
        } catch (Throwable t) {
            for (Step s : batch) s.done().completeExceptionally(t);
        }
    }

    /** Finishes the work already handed in, then stops the thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
