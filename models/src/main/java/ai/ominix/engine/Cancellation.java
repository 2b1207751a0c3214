package ai.ominix.engine;

/**
 * Set by the server when the client goes away (or on shutdown); engines check it at least once
 * per decode step and per encoder chunk and stop with {@link CancelledException}.
 */
public final class Cancellation {
    private volatile boolean cancelled;
    private volatile String reason = "cancelled";

    public static Cancellation none() {
        return new Cancellation();
    }

    public void cancel(String why) {
        reason = why;
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link CancelledException} when cancelled. */
    public void check() {
        if (cancelled) throw new CancelledException(reason);
    }
}
