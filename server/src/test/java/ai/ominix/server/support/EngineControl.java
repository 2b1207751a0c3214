package ai.ominix.server.support;

import ai.ominix.engine.Cancellation;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What tests steer and observe on a fake engine: holding it, pacing it, and its cancellations. */
public class EngineControl {
    public final AtomicInteger calls = new AtomicInteger();
    public final AtomicInteger cancelled = new AtomicInteger();
    /** The engine waits on this before producing anything. */
    public volatile CountDownLatch hold = new CountDownLatch(0);
    /** Counted down when a call starts. */
    public volatile CountDownLatch started = new CountDownLatch(1);
    public volatile Thread lastThread;
    /** Thrown by the next calls once they start (an engine failure), when set. */
    public volatile RuntimeException failWith;

    /** Call start: records the thread, then waits while held, honouring cancellation. */
    protected void begin(Cancellation cancel) {
        calls.incrementAndGet();
        lastThread = Thread.currentThread();
        started.countDown();
        RuntimeException failure = failWith;
        if (failure != null) throw failure;
        try {
            while (!hold.await(20, TimeUnit.MILLISECONDS)) check(cancel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One unit of work: stop (and count it) when cancelled. */
    protected void check(Cancellation cancel) {
        if (cancel.isCancelled()) cancelled.incrementAndGet();
        cancel.check();
    }

    protected static void pause(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
