package ai.ominix.server.http;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.CancelledException;
import ai.ominix.engine.ContextOverflowException;
import ai.ominix.engine.InvalidRequestException;
import io.helidon.webserver.http.ServerResponse;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a request's virtual thread waits for its job on an inference worker, and how pieces the
 * worker produces travel back to the client as server-sent events. The worker never writes to
 * the socket itself (a slow client must not stall the model); it only queues pieces here.
 */
public final class WorkerCalls {
    private static final Logger LOG = Logger.getLogger(WorkerCalls.class.getName());
    /**
     * A comment line this often (while no piece comes) keeps proxies happy and detects a client
     * that went away during a long silence (prefill, a long audio chunk).
     */
    private static final long HEARTBEAT_MS = Long.getLong("ominix.sse.heartbeat.ms", 5_000);

    /** The cancellation reason when the client closed its connection (HTTP status 499 in the access log). */
    public static final String CLIENT_GONE = "client disconnected";

    private WorkerCalls() {}

    /** Waits for a job's result, rethrowing its failure as it was thrown. */
    public static <T> T await(CompletableFuture<T> job, Cancellation cancel) {
        try {
            return job.get();
        } catch (InterruptedException e) {
            cancel.cancel("request thread interrupted");
            Thread.currentThread().interrupt();
            throw ApiException.notReady("cancelled", "request interrupted", null);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * A job's failure as the request sees it: the typed failures a client caused or that say what
     * happened (bad input, cancellation, I/O) pass as they are; anything else the engine threw
     * (a kernel or MLX error, a bug, running out of memory) is a 500 {@code inference_failed},
     * logged with its stack trace, which the client never sees.
     */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return switch (t) {
            case ApiException e -> e;
            case InvalidRequestException e -> e;
            case ContextOverflowException e -> e;
            case CancelledException e -> e;
            case UncheckedIOException e -> e;
            default -> {
                LOG.log(Level.SEVERE, "inference failed", t);
                String why = t.getMessage() != null ? t.getClass().getSimpleName() + ": " + Fields.echo(t.getMessage())
                        : t.getClass().getSimpleName();
                yield ApiException.internal("inference_failed", "inference failed (" + why + "); see the server log");
            }
        };
    }

    /**
     * An SSE response fed by a worker job. The response is committed only when the first piece
     * (or the result) arrives, so a job that fails before producing anything still gets a proper
     * HTTP error status. A failed write means the client left: the job is cancelled.
     *
     * @param <P> what the worker queues (text pieces, segments)
     */
    public static final class Stream<P> {
        /** Queued after the job's last piece so that the relay wakes up at once. */
        private static final Object END = new Object();
        private final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
        private final ServerResponse res;
        private final Cancellation cancel;
        private final Function<ApiException, EventStream.Event> failure;
        private EventStream sink;

        public Stream(ServerResponse res, Cancellation cancel) {
            this(res, cancel, e -> EventStream.Event.data(Json.write(ErrorResponses.envelope(e))));
        }

        /** @param failure the event that reports a failure once the stream is open */
        Stream(ServerResponse res, Cancellation cancel, Function<ApiException, EventStream.Event> failure) {
            this.res = res;
            this.cancel = cancel;
            this.failure = failure;
        }

        /** Called on the worker thread. */
        public void offer(P piece) {
            pieces.add(piece);
        }

        /**
         * Relays queued pieces as events until the job ends, then emits the events {@code finish}
         * makes from its result. Returns quietly when the client disconnects.
         */
        public <T> void relay(CompletableFuture<T> job, Function<P, String> event, Function<T, Iterable<String>> finish) {
            relayEvents(job, p -> List.of(EventStream.Event.data(event.apply(p))), r -> {
                List<EventStream.Event> out = new java.util.ArrayList<>();
                for (String data : finish.apply(r)) out.add(EventStream.Event.data(data));
                return out;
            });
        }

        /** As {@link #relay}, with each piece and the result making any number of (named) events. */
        <T> void relayEvents(CompletableFuture<T> job, Function<P, Iterable<EventStream.Event>> event,
                             Function<T, Iterable<EventStream.Event>> finish) {
            job.whenComplete((r, e) -> pieces.add(END));
            try {
                while (true) {
                    Object p = pieces.poll(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                    if (p == END) {
                        T result = await(job, cancel);
                        for (EventStream.Event e : finish.apply(result)) emit(e);
                        break;
                    } else if (p != null) {
                        @SuppressWarnings("unchecked") P piece = (P) p;
                        for (EventStream.Event e : event.apply(piece)) emit(e);
                    } else if (sink != null) {
                        send(() -> sink.comment("keep-alive"));
                    }
                }
                if (sink == null) sink = EventStream.open(res);
                send(sink::close);
            } catch (InterruptedException e) {
                cancel.cancel("request thread interrupted");
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (sink == null) throw e; // nothing sent yet: a normal error response
                if (isClientGone(e)) {
                    cancel.cancel(CLIENT_GONE);
                    return;
                }
                // The stream is open: report the failure in-band, as the OpenAI API does.
                cancel.cancel("failed");
                try {
                    sink.send(failure.apply(ErrorResponses.toApi(e)));
                    sink.close();
                } catch (RuntimeException ignored) {
                    // The client is gone as well.
                }
            }
        }

        private void emit(EventStream.Event e) {
            if (sink == null) sink = EventStream.open(res);
            send(() -> sink.send(e));
        }

        private static void send(Runnable write) {
            try {
                write.run();
            } catch (RuntimeException e) {
                throw new ClientGone(e);
            }
        }

        private static boolean isClientGone(Throwable e) {
            return e instanceof ClientGone;
        }
    }

    /** A write to the client failed. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
