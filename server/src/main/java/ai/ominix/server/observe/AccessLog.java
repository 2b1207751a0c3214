package ai.ominix.server.observe;

import ai.ominix.server.http.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.Locale;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * One structured (JSON) log line per request on the {@code ai.ominix.access} logger, the request
 * id in an {@code X-Request-Id} response header (a client's own id is kept when it is sane), and
 * the request metrics.
 */
public final class AccessLog implements Filter {
    private static final Logger LOG = Logger.getLogger("ai.ominix.access");
    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final ServerMetrics metrics;

    public AccessLog(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(REQUEST_ID).filter(v -> SANE_ID.matcher(v).matches())
                .orElseGet(() -> UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        RequestStats stats = new RequestStats(id);
        req.context().register(stats);
        res.header(REQUEST_ID, id);
        String method = req.prologue().method().text();
        String path = req.path().path();
        try {
            chain.proceed();
        } finally {
            int status = res.status().code();
            String route = route(path);
            metrics.record(route, method, status, stats);
            LOG.info(() -> line(stats, method, path, route, status));
        }
    }

    private static String line(RequestStats st, String method, String path, String route, int status) {
        ObjectNode o = Json.object();
        o.put("request_id", st.requestId()).put("method", method)
                .put("path", path.length() > 200 ? path.substring(0, 200) : path).put("route", route)
                .put("status", status).put("duration_ms", round(st.elapsedSeconds() * 1000));
        if (st.queueWaitSeconds() >= 0) o.put("queue_wait_ms", round(st.queueWaitSeconds() * 1000));
        if (st.model() != null) o.put("model", st.model());
        if (st.audioSeconds() >= 0) o.put("audio_seconds", round(st.audioSeconds()));
        if (st.promptTokens() >= 0) o.put("prompt_tokens", st.promptTokens()).put("completion_tokens", st.completionTokens());
        if (st.timeToFirstOutputSeconds() >= 0) o.put("first_output_ms", round(st.timeToFirstOutputSeconds() * 1000));
        return "request " + o;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The route template of a path, so that metric labels stay few. */
    public static String route(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.startsWith("/v1/models/download/")) return "/v1/models/download/{id}";
        if (p.equals("/v1/models/download")) return p;
        if (p.startsWith("/v1/models/")) return "/v1/models/{id}";
        return switch (p) {
            case "/health", "/metrics", "/v1/models", "/v1/chat/completions", "/v1/audio/transcriptions" -> p;
            default -> "other";
        };
    }
}
