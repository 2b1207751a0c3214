package ai.ominix.server.hub;

import ai.ominix.server.http.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Hugging Face Hub's public HTTP API on {@code java.net.http}: repo info, file tree with
 * sizes and hashes, and file content with redirects and {@code Range}. Redirects are followed by
 * hand so that the token is only ever sent to the hub itself, never to a CDN on another host.
 */
public final class HubClient {
    private static final int MAX_REDIRECTS = 10;

    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    /** @param token bearer token for gated/private repos, or null */
    public HubClient(String endpoint, String token) {
        this.endpoint = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
        this.token = token;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    public String endpoint() {
        return endpoint.toString();
    }

    /** What {@code GET /api/models/{repo}[/revision/{rev}]} says: the commit and the file names. */
    public record RepoInfo(String repoId, String sha, List<String> files) {}

    public RepoInfo info(String repoId, String revision) {
        String path = "api/models/" + repoPath(repoId) + (revision == null ? "" : "/revision/" + encode(revision));
        JsonNode json = getJson(path, repoId);
        String sha = json.path("sha").asText(null);
        List<String> files = new ArrayList<>();
        for (JsonNode s : json.path("siblings")) files.add(s.path("rfilename").asText());
        return new RepoInfo(repoId, sha != null ? sha : Objects.requireNonNullElse(revision, "main"), files);
    }

    /** Every file of a revision with its size and hashes ({@code /tree/{rev}?recursive=true}). */
    public List<HubFile> tree(String repoId, String revision) {
        JsonNode json = getJson("api/models/" + repoPath(repoId) + "/tree/" + encode(revision) + "?recursive=true", repoId);
        if (!json.isArray()) throw new HubException("unexpected tree listing for " + repoId, 0);
        List<HubFile> out = new ArrayList<>();
        for (JsonNode e : json) {
            if (!"file".equals(e.path("type").asText())) continue;
            JsonNode lfs = e.get("lfs");
            String sha256 = lfs != null && lfs.isObject() ? lfs.path("oid").asText(null) : null;
            long size = lfs != null && lfs.has("size") ? lfs.get("size").asLong() : e.path("size").asLong(-1);
            out.add(new HubFile(e.path("path").asText(), size, sha256, lfs == null ? e.path("oid").asText(null) : null));
        }
        return out;
    }

    /**
     * Opens a file's content from byte {@code offset} on. The response is 200 (from the start:
     * the server ignored the range) or 206 (from {@code offset}).
     */
    public HttpResponse<InputStream> open(String repoId, String revision, String file, long offset) {
        URI uri = endpoint.resolve(repoPath(repoId) + "/resolve/" + encode(revision) + "/" + filePath(file));
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("User-Agent", "ominix-java");
            if (offset > 0) b.header("Range", "bytes=" + offset + "-");
            if (sameOrigin(uri)) authorize(b);
            HttpResponse<InputStream> res = send(b.build(), repoId);
            int status = res.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                String location = res.headers().firstValue("Location")
                        .orElseThrow(() -> new HubException("redirect without Location from " + res.uri(), status));
                close(res);
                uri = uri.resolve(location);
                continue;
            }
            if (status == 200 || status == 206) return res;
            close(res);
            throw statusError(status, repoId, file);
        }
        throw new HubException("too many redirects for " + repoId + "/" + file, 0);
    }

    private JsonNode getJson(String path, String repoId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(path)).GET()
                .timeout(Duration.ofSeconds(60)).header("Accept", "application/json").header("User-Agent", "ominix-java");
        authorize(b);
        HttpResponse<InputStream> res = send(b.build(), repoId);
        try (InputStream in = res.body()) {
            if (res.statusCode() != 200) throw statusError(res.statusCode(), repoId, null);
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new HubException("bad answer from the hub for " + repoId + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request, String repoId) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new HubException("cannot reach the hub at " + request.uri().getHost() + " for " + repoId + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted", e);
        }
    }

    private static HubException statusError(int status, String repoId, String file) {
        String what = file == null ? repoId : repoId + "/" + file;
        return switch (status) {
            case 401, 403 -> new HubException("access to " + what + " was refused (HTTP " + status
                    + "): the repo is gated or private; accept its terms on the hub and set HF_TOKEN", status);
            case 404 -> new HubException(what + " was not found on the hub (HTTP 404)", status);
            default -> new HubException("the hub answered HTTP " + status + " for " + what, status);
        };
    }

    private void authorize(HttpRequest.Builder b) {
        if (token != null) b.header("Authorization", "Bearer " + token);
    }

    private boolean sameOrigin(URI uri) {
        return Objects.equals(uri.getScheme(), endpoint.getScheme())
                && Objects.equals(uri.getHost(), endpoint.getHost())
                && port(uri) == port(endpoint);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) return u.getPort();
        return "https".equals(u.getScheme()) ? 443 : 80;
    }

    private static void close(HttpResponse<InputStream> res) {
        try {
            res.body().close();
        } catch (IOException ignored) {
            // Nothing useful was in it.
        }
    }

    /** {@code owner/name} with each part encoded. */
    static String repoPath(String repoId) {
        String[] parts = repoId.split("/", -1);
        if (parts.length != 2) throw new IllegalArgumentException("repo id must be owner/name: " + repoId);
        return encode(parts[0]) + "/" + encode(parts[1]);
    }

    private static String filePath(String file) {
        StringBuilder sb = new StringBuilder();
        for (String seg : file.split("/")) {
            if (!sb.isEmpty()) sb.append('/');
            sb.append(encode(seg));
        }
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
