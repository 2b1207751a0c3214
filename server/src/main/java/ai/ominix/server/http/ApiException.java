package ai.ominix.server.http;

/**
 * An error the client sees as the OpenAI envelope
 * {@code {"error": {"message", "type", "code", "param"}}} with an HTTP status. Thrown anywhere in
 * request handling; {@link ErrorResponses} turns it into the response.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String type, String code, String param, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String code, String param, String message) {
        return new ApiException(400, "invalid_request_error", code, param, message, null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "invalid_request_error", "invalid_api_key", null, message, null);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, "not_found", code, null, message, null);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, "conflict", code, null, message, null);
    }

    public static ApiException notAcceptable(String message) {
        return new ApiException(406, "invalid_request_error", "not_acceptable", null, message, null);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "invalid_request_error", "file_too_large", "file", message, null);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "invalid_request_error", "unsupported_media_type", null, message, null);
    }

    public static ApiException queueFull(String message, int retryAfterSeconds) {
        return new ApiException(429, "server_error", "queue_full", null, message, retryAfterSeconds);
    }

    public static ApiException notReady(String code, String message, Integer retryAfterSeconds) {
        return new ApiException(503, "server_error", code, null, message, retryAfterSeconds);
    }

    public static ApiException internal(String code, String message) {
        return new ApiException(500, "server_error", code, null, message, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** Seconds for the {@code Retry-After} header, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
