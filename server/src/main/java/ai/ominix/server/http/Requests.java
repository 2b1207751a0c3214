package ai.ominix.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Small request/response helpers shared by the routes. */
public final class Requests {
    private Requests() {}

    /** The media type of the request without parameters, lower case; "" when absent. */
    public static String mediaType(ServerRequest req) {
        return req.headers().first(HeaderNames.CONTENT_TYPE)
                .map(v -> v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .orElse("");
    }

    public static void requireJson(ServerRequest req) {
        String type = mediaType(req);
        if (!type.equals("application/json")) {
            throw ApiException.badRequest("unsupported_content_type", null,
                    "Content-Type must be application/json" + (type.isEmpty() ? "" : ", got " + Fields.echo(type)));
        }
    }

    public static void sendJson(ServerResponse res, Object body) {
        sendJson(res, Status.OK_200, body);
    }

    public static void sendJson(ServerResponse res, Status status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    public static void sendText(ServerResponse res, String contentType, String body) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
