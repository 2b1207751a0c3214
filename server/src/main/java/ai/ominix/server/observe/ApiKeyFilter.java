package ai.ominix.server.observe;

import ai.ominix.server.http.ApiException;
import ai.ominix.server.http.ErrorResponses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * With {@code --api-key} (or {@code OMINIX_API_KEY}) every {@code /v1} call needs
 * {@code Authorization: Bearer KEY}; {@code /health} and {@code /metrics} stay open.
 */
public final class ApiKeyFilter implements Filter {
    private final byte[] expected;

    public ApiKeyFilter(String key) {
        this.expected = ("Bearer " + key).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!(path.equals("/v1") || path.startsWith("/v1/"))) {
            chain.proceed();
            return;
        }
        byte[] got = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, got)) { // constant time: no key guessing by timing
            chain.proceed();
            return;
        }
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        ErrorResponses.send(req, res, ApiException.unauthorized(got.length == 0
                ? "missing API key: send 'Authorization: Bearer KEY'"
                : "invalid API key"));
    }
}
