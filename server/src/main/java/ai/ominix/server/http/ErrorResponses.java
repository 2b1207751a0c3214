package ai.ominix.server.http;

import ai.ominix.engine.CancelledException;
import ai.ominix.engine.ContextOverflowException;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Maps every failure to the OpenAI error envelope. Typed exceptions from the engines and the
 * audio decoder become 4xx with their code; anything unexpected is logged with its stack trace
 * and answered with a 500 that carries no internals.
 */
public final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());

    /** Status of a request whose client closed the connection before the answer. */
    public static final int CLIENT_CLOSED_REQUEST = 499;

    private ErrorResponses() {}

    /** The envelope body for an error. */
    public static ObjectNode envelope(ApiException e) {
        ObjectNode body = Json.object();
        ObjectNode err = body.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        if (e.code() == null) err.putNull("code"); else err.put("code", e.code());
        if (e.param() == null) err.putNull("param"); else err.put("param", e.param());
        return body;
    }

    /** The client-facing form of any throwable. */
    public static ApiException toApi(Throwable t) {
        return switch (t) {
            case ApiException e -> e;
            case InvalidRequestException e -> ApiException.badRequest(e.code(), e.param(), e.getMessage());
            case ContextOverflowException e -> ApiException.badRequest("context_length_exceeded", "messages", e.getMessage());
            case ModelLoadException e -> ApiException.internal("model_load_failed", e.getMessage());
            // nginx's 499: only the access log and metrics see it, the client has left.
            case CancelledException e when WorkerCalls.CLIENT_GONE.equals(e.getMessage()) ->
                    new ApiException(CLIENT_CLOSED_REQUEST, "invalid_request_error", "client_disconnected", null,
                            "the client closed the connection", null);
            case CancelledException e -> ApiException.notReady("cancelled", "request cancelled: " + e.getMessage(), null);
            case RequestException e -> fromStatus(e.status().code(), e.safeMessage() ? e.getMessage() : null);
            case HttpException e -> fromStatus(e.status().code(), null);
            case UncheckedIOException e -> {
                LOG.log(Level.WARNING, "I/O failure", e);
                yield ApiException.internal("io_error", "I/O failure: " + e.getCause().getMessage());
            }
            default -> {
                LOG.log(Level.SEVERE, "unexpected failure", t);
                yield ApiException.internal("internal_error", "internal server error (" + t.getClass().getSimpleName() + "); see the server log");
            }
        };
    }

    private static ApiException fromStatus(int status, String message) {
        return switch (status) {
            case 413 -> ApiException.tooLarge("request body is larger than the configured upload limit (--max-upload-mb)");
            case 404 -> ApiException.notFound("not_found", "not found");
            case 415 -> ApiException.unsupportedMediaType(message != null ? message : "unsupported content type");
            // Helidon SE 4 speaks HTTP/1.1 and HTTP/2 only; nginx proxies with HTTP/1.0 unless told otherwise.
            case 505 -> new ApiException(505, "invalid_request_error", "http_version_not_supported", null,
                    "this server speaks HTTP/1.1 (and HTTP/2), not HTTP/1.0; behind nginx set 'proxy_http_version 1.1;'", null);
            default -> status >= 400 && status < 500
                    ? new ApiException(status, "invalid_request_error", "invalid_request", null,
                            message != null ? message : "malformed request", null)
                    : ApiException.internal("internal_error", "internal server error");
        };
    }

    /**
     * The Anthropic Messages API's error body, {@code {"type": "error", "error": {"type",
     * "message"}}}, whose error types the Anthropic SDKs map to their exception classes.
     */
    public static ObjectNode anthropicEnvelope(ApiException e) {
        ObjectNode body = Json.object().put("type", "error");
        String type = switch (e.status()) {
            case 400, 406, 409, 415, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503 -> "overloaded_error";
            default -> e.status() < 500 ? "invalid_request_error" : "api_error";
        };
        body.putObject("error").put("type", type).put("message", e.getMessage());
        return body;
    }

    /** The error body of the API a path belongs to: Anthropic's under {@code /v1/messages}, else OpenAI's. */
    static ObjectNode envelope(ApiException e, String path) {
        return path.startsWith("/v1/messages") ? anthropicEnvelope(e) : envelope(e);
    }

    /** Sends the envelope unless the response is already committed (then only logs). */
    public static void send(ServerRequest req, ServerResponse res, Throwable t) {
        ApiException e = toApi(t);
        if (res.isSent()) {
            LOG.fine(() -> "error after response was committed on " + req.path().path() + ": " + e.getMessage());
            return;
        }
        res.status(Status.create(e.status()));
        if (e.retryAfterSeconds() != null) res.header(HeaderNames.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(Json.write(envelope(e, req.path().path())).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException writeFailed) {
            if (e.status() != CLIENT_CLOSED_REQUEST) throw writeFailed;
            // Expected: nobody is listening any more.
        }
    }

    /**
     * Handlers for errors Helidon answers before routing (malformed HTTP, payload over the limit),
     * so that those too carry the JSON envelope.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler handler = (request, eventType, status, headers, message) -> {
            ApiException e = fromStatus(status.code(), null);
            headers.set(HeaderNames.CONTENT_TYPE, "application/json");
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .entity(Json.write(envelope(e)).getBytes(StandardCharsets.UTF_8))
                    .build();
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) b.addHandler(type, handler);
        return b.build();
    }
}
