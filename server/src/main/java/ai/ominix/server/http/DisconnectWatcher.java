package ai.ominix.server.http;

import ai.ominix.engine.Cancellation;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cancels a request's work when its client closes the connection while the request waits for an
 * inference worker, before anything has been written back.
 *
 * <p>Helidon SE 4.5 offers no way to learn that: a handler cannot reach its connection, the NIO
 * socket's {@code isConnected()} only reports this side's close, and the blocking socket's idle
 * probe declares every connection dead after 101 ms (the server sets no read timeout) and then
 * breaks keep-alive. Reading from the connection ourselves would race Helidon's own reader, and
 * writing (a heartbeat) would commit the status before the result is known. So the watcher asks
 * the kernel instead: every {@code ominix.disconnect.poll.ms} (100 ms) while requests wait, it
 * reads Linux's TCP table ({@link ProcNetTcp}) and cancels a request whose connection has left
 * ESTABLISHED (the client closed or half-closed it: CLOSE_WAIT) or has vanished after being seen
 * (reset). Engines check their {@link Cancellation} every decode step, so work stops within about
 * one step plus one poll. Where there is no such table (macOS), {@link #watch} does nothing and
 * a disconnect is noticed when the response is written.
 */
public final class DisconnectWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DisconnectWatcher.class.getName());
    private static final long POLL_MS = Long.getLong("ominix.disconnect.poll.ms", 100);

    /** Ends the watch (the request got its result); idempotent. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private static final Watch NOTHING = () -> { };

    private final class Watched implements Watch {
        final ProcNetTcp.Connection connection;
        final Cancellation cancel;
        volatile boolean seen;

        Watched(ProcNetTcp.Connection connection, Cancellation cancel) {
            this.connection = connection;
            this.cancel = cancel;
        }

        @Override
        public void close() {
            watched.remove(this);
        }
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller;
    private volatile boolean warned;

    private DisconnectWatcher(boolean enabled) {
        poller = enabled ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("disconnect-watcher").daemon(true).factory()) : null;
        if (poller != null) poller.scheduleWithFixedDelay(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    /** A watcher on the kernel's TCP table where there is one, else one that never cancels. */
    public static DisconnectWatcher create() {
        boolean available = ProcNetTcp.available();
        LOG.fine(() -> available ? "client disconnects are detected through " + ProcNetTcp.IPV4
                : "no " + ProcNetTcp.IPV4 + ": a client that disconnects is noticed when its response is written");
        return new DisconnectWatcher(available);
    }

    /** Whether {@link #watch} can detect anything on this machine. */
    public boolean enabled() {
        return poller != null;
    }

    /** Cancels {@code cancel} with {@link WorkerCalls#CLIENT_GONE} if the request's client goes away before the watch is closed. */
    public Watch watch(ServerRequest req, Cancellation cancel) {
        if (poller == null) return NOTHING;
        if (!(req.localPeer().address() instanceof InetSocketAddress local)
                || !(req.remotePeer().address() instanceof InetSocketAddress remote)) {
            return NOTHING;
        }
        Watched w = new Watched(new ProcNetTcp.Connection(local, remote), cancel);
        watched.add(w);
        return w;
    }

    private void poll() {
        if (watched.isEmpty()) return;
        Set<Integer> ports = new HashSet<>();
        for (Watched w : watched) ports.add(w.connection.local().getPort());
        Map<ProcNetTcp.Connection, Integer> table;
        try {
            table = ProcNetTcp.read(ports);
        } catch (IOException | RuntimeException e) {
            if (!warned) LOG.log(Level.WARNING, "cannot read the TCP table; client disconnects go unnoticed", e);
            warned = true;
            return;
        }
        for (Watched w : watched) {
            Integer state = table.get(w.connection);
            if (state != null && state == ProcNetTcp.ESTABLISHED) {
                w.seen = true;
            } else if (state != null || w.seen) {
                w.cancel.cancel(WorkerCalls.CLIENT_GONE);
                w.close();
            }
            // Never seen at all: the table does not show this connection (another namespace); leave it.
        }
    }

    @Override
    public void close() {
        if (poller != null) poller.shutdownNow();
        watched.clear();
    }
}
