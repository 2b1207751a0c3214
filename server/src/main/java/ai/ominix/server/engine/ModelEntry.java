package ai.ominix.server.engine;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One model the registry knows, loaded or not, and everything that decides whether it may be
 * unloaded. Every field is read and written under the registry's lock; the engine's own calls go
 * through its worker.
 */
final class ModelEntry {
    enum State { UNLOADED, LOADING, READY, FAILED }

    final ModelTarget target;
    State state = State.UNLOADED;
    /** The loaded engine ({@code AsrEngine} or {@code ChatEngine}) and its worker; null unless READY. */
    AutoCloseable engine;
    InferenceWorker worker;
    /** Completes when the load in progress ends (normally or not). */
    CompletableFuture<Void> loading;
    /** Why the last load failed (FAILED). */
    RuntimeException failure;
    /** Planned bytes: weight files plus the model's working-set estimate, taken when the load starts. */
    long memoryBytes;
    /** Requests holding the model (a lease each) and requests waiting for its load. */
    int leases;
    int waiters;
    Instant lastUsed = Instant.now();
    Instant loadedAt;
    KeepAlive keepAlive;

    ModelEntry(ModelTarget target, KeepAlive keepAlive) {
        this.target = target;
        this.keepAlive = keepAlive;
    }

    /** Nothing uses it or waits for it, and its worker has nothing running or queued (a job can outlive a request whose client left). */
    boolean idle() {
        return state == State.READY && leases == 0 && waiters == 0 && worker.idle();
    }

    /** Counts against the memory budget and the loaded-model limit. */
    boolean resident() {
        return state == State.READY || state == State.LOADING;
    }

    /** When it unloads if nothing uses it again; null for never, or while it is in use. */
    Instant expiresAt() {
        if (state != State.READY || leases > 0 || waiters > 0) return null;
        return keepAlive.expiry(lastUsed);
    }

    String label() {
        return target.kind().description() + " model " + target.id();
    }
}
