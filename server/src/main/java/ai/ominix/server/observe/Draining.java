package ai.ominix.server.observe;

import ai.ominix.server.http.ApiException;
import ai.ominix.server.http.ErrorResponses;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.concurrent.TimeUnit;

/**
 * Counts requests in flight and, once shutdown begins, turns new ones away with 503 so that the
 * ones already running can finish within the grace period.
 */
public final class Draining implements Filter {
    private final Object lock = new Object();
    private int inFlight;
    private volatile boolean draining;

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        boolean admitted;
        synchronized (lock) {
            admitted = !draining;
            if (admitted) inFlight++;
        }
        if (!admitted) {
            ErrorResponses.send(req, res, ApiException.notReady("shutting_down", "the server is shutting down", 5));
            return;
        }
        try {
            chain.proceed();
        } finally {
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
        }
    }

    /** Stops admitting requests and waits up to {@code graceMillis} for those in flight; true when none is left. */
    public boolean drain(long graceMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        synchronized (lock) {
            draining = true;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    public int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }
}
