package ai.ominix.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The content types a route produces, checked against the request's {@code Accept} header.
 *
 * <p>Clients send all sorts of {@code Accept} headers, and the official OpenAI SDKs send
 * {@code application/json} on every call, streaming included. Like OpenAI's own API, a route
 * answers with what the request asks for ({@code stream: true} is an event stream) whatever the
 * header prefers; the header only matters when it refuses every type the route produces (each
 * type's weight, taken from the most specific range that matches it as RFC 9110 §12.5.1 says, is
 * 0 or no range matches). Then the answer is 406 naming the types the route does produce. A header
 * that cannot be parsed refuses nothing.
 */
public record Produces(List<String> types) {
    public static final String JSON = "application/json";
    public static final String EVENT_STREAM = "text/event-stream";

    public static Produces of(String... types) {
        return new Produces(List.of(types));
    }

    /** The handler, preceded by the check. */
    public Handler guard(Handler handler) {
        return (req, res) -> {
            check(req);
            handler.handle(req, res);
        };
    }

    public void check(ServerRequest req) {
        List<String> accept = req.headers().all(HeaderNames.ACCEPT, List::of);
        if (accept.isEmpty() || acceptsAny(String.join(",", accept))) return;
        throw ApiException.notAcceptable("this endpoint produces " + String.join(" or ", types)
                + " (by the request's 'stream' and 'response_format'), which the Accept header '"
                + Fields.echo(String.join(", ", accept)) + "' refuses");
    }

    /** Whether an {@code Accept} value leaves at least one of the types acceptable. */
    public boolean acceptsAny(String accept) {
        List<Range> ranges = Range.parseAll(accept);
        if (ranges == null) return true;
        for (String t : types) {
            Range best = null;
            for (Range r : ranges) {
                if (r.matches(t) && (best == null || r.specificity() > best.specificity())) best = r;
            }
            if (best != null && best.q() > 0) return true;
        }
        return false;
    }

    /** One media range of an Accept header: {@code type/subtype} (either may be {@code *}) and its weight. */
    record Range(String type, String subtype, double q) {
        boolean matches(String mediaType) {
            int slash = mediaType.indexOf('/');
            String t = mediaType.substring(0, slash);
            String s = mediaType.substring(slash + 1);
            return (type.equals("*") || type.equals(t)) && (subtype.equals("*") || subtype.equals(s));
        }

        int specificity() {
            return (type.equals("*") ? 0 : 2) + (subtype.equals("*") ? 0 : 1);
        }

        /** The ranges of a header value, or null when it does not parse (then nothing is refused). */
        static List<Range> parseAll(String header) {
            List<Range> out = new ArrayList<>();
            for (String item : header.split(",")) {
                String[] params = item.split(";");
                String range = params[0].strip().toLowerCase(Locale.ROOT);
                if (range.isEmpty()) continue; // "a, , b" and trailing commas are allowed (RFC 9110 §5.6.1)
                int slash = range.indexOf('/');
                if (slash <= 0 || slash == range.length() - 1) return null;
                String type = range.substring(0, slash);
                if (type.equals("*") && !range.equals("*/*")) return null;
                double q = 1;
                for (int i = 1; i < params.length; i++) {
                    String p = params[i].strip();
                    if (p.length() > 2 && (p.startsWith("q=") || p.startsWith("Q="))) {
                        try {
                            q = Double.parseDouble(p.substring(2).strip());
                        } catch (NumberFormatException e) {
                            return null;
                        }
                        if (!(q >= 0 && q <= 1)) return null;
                    }
                }
                out.add(new Range(type, range.substring(slash + 1), q));
            }
            return out.isEmpty() ? null : out;
        }
    }
}
