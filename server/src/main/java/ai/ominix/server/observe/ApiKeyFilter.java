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
 * {@code Authorization: Bearer KEY}, or {@code x-api-key: KEY} as the Anthropic SDKs send it;
 * {@code /health} and {@code /metrics} stay open.
 */
public final class ApiKeyFilter implements Filter {
    private static final io.helidon.http.HeaderName X_API_KEY = HeaderNames.create("x-api-key");
    private final byte[] expected;
    private final byte[] expectedKey;

    public ApiKeyFilter(String key) {
        this.expected = ("Bearer " + key).getBytes(StandardCharsets.UTF_8);
        this.expectedKey = key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!(path.equals("/v1") || path.startsWith("/v1/"))) {
            chain.proceed();
            return;
        }
        byte[] got = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").getBytes(StandardCharsets.UTF_8);
        byte[] key = req.headers().first(X_API_KEY).orElse("").getBytes(StandardCharsets.UTF_8);
        // constant time: no key guessing by timing
        if (MessageDigest.isEqual(expected, got) || (key.length > 0 && MessageDigest.isEqual(expectedKey, key))) {
            chain.proceed();
            return;
        }
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        ErrorResponses.send(req, res, ApiException.unauthorized(got.length == 0 && key.length == 0
                ? "missing API key: send 'Authorization: Bearer KEY' (or 'x-api-key: KEY')"
                : "invalid API key"));
    }
}
