package ai.ominix.server.engine;

import ai.ominix.server.http.ApiException;
import ai.ominix.server.http.Fields;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a model stays loaded after its last request, as Ollama defines {@code keep_alive}: a
 * duration ({@code "30m"}, {@code "1h30m"}, {@code "90s"}, {@code "500ms"}, or a number of
 * seconds), {@code 0} to unload as soon as the model is idle, any negative value to keep it
 * loaded until it is unloaded by hand or evicted.
 *
 * @param idle null for "never unload"
 */
public record KeepAlive(Duration idle) {
    public static final KeepAlive NEVER = new KeepAlive(null);
    public static final KeepAlive DEFAULT = new KeepAlive(Duration.ofMinutes(30));

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /** When an idle model expires, or null for never. */
    public Instant expiry(Instant lastUsed) {
        return idle == null ? null : lastUsed.plus(idle);
    }

    /** A request's {@code keep_alive} field: a string duration or a number of seconds; null when absent. */
    public static KeepAlive ofField(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isNumber()) return seconds(node.asDouble());
        if (node.isTextual()) return parse(node.asText(), "keep_alive");
        throw Fields.invalid("keep_alive", "must be a duration such as \"10m\" or a number of seconds");
    }

    /** {@code --keep-alive} and string fields. */
    public static KeepAlive parse(String text, String what) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.matches("[-+]?\\d+(\\.\\d+)?")) return seconds(Double.parseDouble(s));
        if (s.startsWith("-") && PART.matcher(s.substring(1)).lookingAt()) return NEVER;
        Matcher m = PART.matcher(s);
        long millis = 0;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            millis += (long) (n * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            });
            at = m.end();
        }
        if (at == 0 || at != s.length()) {
            throw ApiException.badRequest("invalid_parameter", what, "'" + what + "' must be a duration such as 30m, 1h30m, "
                    + "90s or 500ms, a number of seconds, 0 (unload when idle) or -1 (never unload); got '" + Fields.echo(text) + "'");
        }
        return new KeepAlive(Duration.ofMillis(millis));
    }

    private static KeepAlive seconds(double s) {
        return s < 0 ? NEVER : new KeepAlive(Duration.ofMillis(Math.round(s * 1000)));
    }

    @Override
    public String toString() {
        return idle == null ? "-1" : idle.toMillis() % 1000 == 0 ? idle.toSeconds() + "s" : idle.toMillis() + "ms";
    }
}
