package ai.ominix.server.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub stand-in serving repos from a folder ({@code root/owner/name/...}) with the
 * routes the hub client uses. Weight files (*.safetensors) are "LFS": {@code resolve} redirects
 * them to a second server on another host name (a CDN) that honours {@code Range}. Faults can be
 * switched on per file: a mid-file disconnect, a wrong advertised sha256, slow delivery.
 */
public final class LocalHub implements AutoCloseable {
    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final HttpServer hub;
    private final HttpServer cdn;
    public final Set<String> gated = ConcurrentHashMap.newKeySet();
    public volatile String token = "hf_secret";
    /** File names whose first CDN response stops halfway and drops the connection. */
    public final Set<String> dropOnce = ConcurrentHashMap.newKeySet();
    /** File names whose first CDN response stops halfway and then sends nothing (connection kept open). */
    public final Set<String> stallOnce = ConcurrentHashMap.newKeySet();
    /** File names whose advertised sha256 is wrong. */
    public final Set<String> wrongSha = ConcurrentHashMap.newKeySet();
    /** Milliseconds the CDN sleeps per 64 KiB (0: full speed). */
    public volatile long slowMs;
    /** "METHOD path | authorization | range" of every request, both servers. */
    public final List<String> log = new CopyOnWriteArrayList<>();

    public LocalHub(Path root) throws IOException {
        this.root = root;
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", this::hubRoute);
        cdn.createContext("/", this::cdnRoute);
        hub.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        cdn.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        hub.start();
        cdn.start();
    }

    /** The endpoint for HF_ENDPOINT. */
    public String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /** Same machine, other host name: a cross-host redirect target. */
    private String cdnBase() {
        return "http://localhost:" + cdn.getAddress().getPort();
    }

    public Path repo(String repoId) throws IOException {
        return Files.createDirectories(root.resolve(repoId));
    }

    private void hubRoute(HttpExchange ex) throws IOException {
        String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        record(ex, "hub");
        try (ex) {
            String[] p = path.substring(1).split("/");
            boolean api = p[0].equals("api") && p.length >= 4 && p[1].equals("models");
            String repoId = api ? p[2] + "/" + p[3] : p.length >= 2 ? p[0] + "/" + p[1] : "";
            Path dir = root.resolve(repoId);
            if (repoId.isEmpty() || !Files.isDirectory(dir)) {
                send(ex, 404, "{\"error\": \"Repository not found\"}");
                return;
            }
            if (gated.contains(repoId) && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"error\": \"Access to model " + repoId + " is restricted.\"}");
                return;
            }
            if (api && (p.length == 4 || p[4].equals("revision"))) {
                ObjectNode info = JSON.createObjectNode().put("id", repoId).put("sha", COMMIT);
                ArrayNode sib = info.putArray("siblings");
                for (Path f : files(dir)) sib.addObject().put("rfilename", dir.relativize(f).toString());
                send(ex, 200, info.toString());
            } else if (api && p[4].equals("tree")) {
                ArrayNode tree = JSON.createArrayNode();
                for (Path f : files(dir)) {
                    String name = dir.relativize(f).toString();
                    byte[] bytes = Files.readAllBytes(f);
                    ObjectNode e = tree.addObject().put("type", "file").put("path", name).put("size", bytes.length);
                    if (isLfs(name)) {
                        e.put("oid", sha("SHA-1", ("version https://git-lfs...\n" + name).getBytes()));
                        String sha = wrongSha.contains(name) ? sha("SHA-256", "other".getBytes()) : sha("SHA-256", bytes);
                        e.putObject("lfs").put("oid", sha).put("size", bytes.length).put("pointerSize", 134);
                    } else {
                        byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
                        byte[] all = new byte[header.length + bytes.length];
                        System.arraycopy(header, 0, all, 0, header.length);
                        System.arraycopy(bytes, 0, all, header.length, bytes.length);
                        e.put("oid", sha("SHA-1", all));
                    }
                }
                send(ex, 200, tree.toString());
            } else if (!api && p.length >= 5 && p[2].equals("resolve")) {
                String name = String.join("/", List.of(p).subList(4, p.length));
                Path f = dir.resolve(name);
                if (!Files.isRegularFile(f)) {
                    send(ex, 404, "{\"error\": \"Entry not found\"}");
                } else if (isLfs(name)) {
                    ex.getResponseHeaders().set("Location", cdnBase() + "/blobs/" + repoId + "/" + name + "?signed=1");
                    ex.sendResponseHeaders(302, -1);
                } else {
                    byte[] bytes = Files.readAllBytes(f);
                    ex.sendResponseHeaders(200, bytes.length);
                    ex.getResponseBody().write(bytes);
                }
            } else {
                send(ex, 404, "{\"error\": \"no route\"}");
            }
        }
    }

    private void cdnRoute(HttpExchange ex) throws IOException {
        record(ex, "cdn");
        String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        Path f = root.resolve(path.substring("/blobs/".length()));
        String name = f.getFileName().toString();
        byte[] bytes = Files.readAllBytes(f);
        int from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        int len = bytes.length - from;
        ex.sendResponseHeaders(range != null ? 206 : 200, len);
        OutputStream out = ex.getResponseBody();
        boolean stall = stallOnce.remove(name);
        boolean drop = dropOnce.remove(name) || stall;
        int stopAt = drop ? from + len / 2 : bytes.length;
        try {
            for (int off = from; off < stopAt; off += 65536) {
                out.write(bytes, off, Math.min(65536, stopAt - off));
                out.flush();
                if (slowMs > 0) Thread.sleep(slowMs);
            }
            if (stall) Thread.sleep(30_000); // the client must give up on its own (or the hub closes)
            // With fewer bytes than Content-Length written, closing drops the connection mid-body.
            ex.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away (cancelled download): nothing to do.
        }
    }

    private void record(HttpExchange ex, String who) {
        log.add(who + " " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath()
                + " | auth=" + ex.getRequestHeaders().getFirst("Authorization")
                + " | range=" + ex.getRequestHeaders().getFirst("Range"));
    }

    private static boolean isLfs(String name) {
        return name.endsWith(".safetensors");
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    public static String sha(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Map<String, Long> count(String prefix) {
        Map<String, Long> out = new ConcurrentHashMap<>();
        for (String l : log) if (l.startsWith(prefix)) out.merge(l, 1L, Long::sum);
        return out;
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
