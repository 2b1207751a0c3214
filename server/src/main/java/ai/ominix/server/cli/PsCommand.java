package ai.ominix.server.cli;

import ai.ominix.server.engine.Bytes;
import ai.ominix.server.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ominix ps}: the models a running server holds, as {@code ollama ps} shows them. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "List the models a running server has loaded (or is loading): memory and when they unload.")
public final class PsCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "${env:OMINIX_URL:-http://127.0.0.1:8080}", paramLabel = "URL",
            description = "The server (default: $OMINIX_URL, else ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--api-key", defaultValue = "${env:OMINIX_API_KEY}", paramLabel = "KEY",
            description = "Bearer key of a server started with --api-key (default: $OMINIX_API_KEY).")
    String apiKey;

    @Override
    public Integer call() throws InterruptedException {
        JsonNode list = get("/v1/models");
        String fmt = "%-40s %-5s %-8s %10s  %s%n";
        boolean any = false;
        for (JsonNode m : list.path("data")) {
            String status = m.path("status").asText();
            if (!status.equals("ready") && !status.equals("loading") && !status.equals("failed")) continue;
            if (!any) System.out.printf(Locale.ROOT, fmt, "NAME", "KIND", "STATUS", "MEMORY", "UNTIL");
            any = true;
            long mem = m.path("memory_bytes").asLong();
            System.out.printf(Locale.ROOT, fmt, m.path("id").asText(), m.path("kind").asText("-"), status,
                    mem > 0 ? Bytes.human(mem) : "-", until(m));
        }
        if (!any) System.out.println("no model is loaded at " + url + " (models load when a request names them)");
        return 0;
    }

    private static String until(JsonNode m) {
        if (m.path("status").asText().equals("failed")) return "failed: " + m.path("error").asText();
        if (!m.path("loaded").asBoolean()) return "-";
        if (m.path("expires_at").isNull()) return "in use or kept loaded";
        Duration left = Duration.between(Instant.now(), Instant.ofEpochSecond(m.path("expires_at").asLong()));
        if (left.isNegative()) return "unloading";
        return left.toMinutes() >= 1 ? "in " + left.toMinutes() + " min" : "in " + Math.max(1, left.toSeconds()) + " s";
    }

    private JsonNode get(String path) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path)).timeout(Duration.ofSeconds(10));
        if (apiKey != null && !apiKey.isBlank()) b.header("Authorization", "Bearer " + apiKey);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            HttpResponse<String> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.MAPPER.readTree(r.body());
            if (r.statusCode() != 200) {
                throw new CliException(url + " answered " + r.statusCode() + ": " + body.path("error").path("message").asText(r.body()));
            }
            return body;
        } catch (ConnectException e) {
            throw new CliException("no server at " + url + " (start one with 'ominix serve', or pass --url)");
        } catch (IOException e) {
            throw new CliException("cannot ask " + url + ": " + e.getMessage());
        }
    }
}
