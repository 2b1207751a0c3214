package ai.ominix.server.observe;

import io.helidon.webserver.http.ServerRequest;

/**
 * What one request did, filled in by the route that served it and written to the access log
 * and the metrics when it ends. Registered in the request's context by {@link AccessLog}.
 */
public final class RequestStats {
    private final String requestId;
    private final long receivedNanos = System.nanoTime();
    private volatile long startedNanos;
    private volatile long firstOutputNanos;
    private volatile long finishedNanos;
    private volatile double audioSeconds = -1;
    private volatile int promptTokens = -1;
    private volatile int completionTokens = -1;
    private volatile String model;
    private volatile String kind;

    public RequestStats(String requestId) {
        this.requestId = requestId;
    }

    /** The stats of a request (a detached instance when the filter is not installed). */
    public static RequestStats of(ServerRequest req) {
        return req.context().get(RequestStats.class).orElseGet(() -> new RequestStats("-"));
    }

    public String requestId() {
        return requestId;
    }

    /** The inference worker picked the job up. */
    public void started() {
        startedNanos = System.nanoTime();
    }

    /** The first piece of output (token, segment) exists. */
    public void firstOutput() {
        if (firstOutputNanos == 0) firstOutputNanos = System.nanoTime();
    }

    /** The engine returned. */
    public void finished() {
        finishedNanos = System.nanoTime();
    }

    public void model(String kind, String id) {
        this.kind = kind;
        this.model = id;
    }

    public void audioSeconds(double s) {
        audioSeconds = s;
    }

    public void tokens(int prompt, int completion) {
        promptTokens = prompt;
        completionTokens = completion;
    }

    public String kind() {
        return kind;
    }

    public String model() {
        return model;
    }

    public double audioSeconds() {
        return audioSeconds;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int completionTokens() {
        return completionTokens;
    }

    /** Seconds from arrival to the worker starting, or -1 when it never reached a worker. */
    public double queueWaitSeconds() {
        return startedNanos == 0 ? -1 : (startedNanos - receivedNanos) / 1e9;
    }

    /** Seconds the engine computed, or -1. */
    public double computeSeconds() {
        return startedNanos == 0 || finishedNanos == 0 ? -1 : (finishedNanos - startedNanos) / 1e9;
    }

    /** Seconds from the worker starting to the first output, or -1. */
    public double timeToFirstOutputSeconds() {
        return startedNanos == 0 || firstOutputNanos == 0 ? -1 : (firstOutputNanos - startedNanos) / 1e9;
    }

    /** Generated tokens per second after the first one, or -1. */
    public double decodeTokensPerSecond() {
        if (completionTokens < 2 || firstOutputNanos == 0 || finishedNanos <= firstOutputNanos) return -1;
        return (completionTokens - 1) / ((finishedNanos - firstOutputNanos) / 1e9);
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - receivedNanos) / 1e9;
    }
}
