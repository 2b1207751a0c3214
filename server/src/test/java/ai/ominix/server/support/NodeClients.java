package ai.ominix.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official Node SDKs (pinned in {@code src/test/node/package.json}), installed from the npm
 * registry into {@code target/node-clients} on first use, and the driver scripts beside them that
 * make the SDK calls a test lists and print what the SDK parsed.
 *
 * <p>Without node and npm the tests that use them are skipped with a printed reason, unless
 * {@code CI=true} (as {@code .ci/run} sets): then they fail, as does a failed install.
 */
public final class NodeClients {
    private static final Path SOURCES = Path.of("src", "test", "node").toAbsolutePath();
    private static final Path DIR = Path.of("target", "node-clients").toAbsolutePath();
    private static boolean installed;

    private NodeClients() {}

    /** One SDK call for a driver: the driver's op name and its parameters. */
    public static ObjectNode call(String op, Object params) {
        ObjectNode c = TestServer.JSON.createObjectNode().put("op", op);
        c.set("params", TestServer.JSON.valueToTree(params));
        return c;
    }

    /**
     * Runs {@code driver} (a file of {@code src/test/node}) with the calls, against {@code baseUrl}.
     * Returns one result per call: {@code {"ok": true, "value": ...}} or {@code {"ok": false, "error": ...}}.
     */
    public static ArrayNode run(String driver, String baseUrl, String apiKey, List<ObjectNode> calls) throws Exception {
        install();
        ArrayNode in = TestServer.JSON.createArrayNode().addAll(calls);
        Process p = new ProcessBuilder("node", DIR.resolve(driver).toString(), baseUrl, apiKey == null ? "" : apiKey)
                .directory(DIR.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().write(TestServer.JSON.writeValueAsBytes(in));
        p.getOutputStream().close();
        // stderr is read beside stdout, or a chatty driver could fill its pipe and stall.
        var stderrText = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                stderrText.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderrText.complete("(stderr unreadable: " + e + ")");
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        String stderr = stderrText.get(60, TimeUnit.SECONDS);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assertions.fail(driver + " timed out\n" + stderr);
        }
        Assertions.assertEquals(0, p.exitValue(), driver + " failed:\n" + stderr);
        JsonNode results = TestServer.JSON.readTree(out);
        Assertions.assertEquals(calls.size(), results.size(), "one result per call");
        return (ArrayNode) results;
    }

    private static synchronized void install() throws IOException, InterruptedException {
        if (installed) return;
        for (String tool : new String[] {"node", "npm"}) {
            if (!onPath(tool)) {
                String reason = tool + " is not on the PATH: the official Node SDK tests cannot run";
                if ("true".equals(System.getenv("CI"))) Assertions.fail(reason + " (required under CI=true)");
                System.err.println("SKIPPED: " + reason);
                Assumptions.abort(reason);
            }
        }
        Files.createDirectories(DIR);
        boolean fresh = copy("package.json");
        try (var files = Files.list(SOURCES)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".mjs")).toList()) copy(f.getFileName().toString());
        }
        if (fresh || !Files.isDirectory(DIR.resolve("node_modules"))) {
            Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error")
                    .directory(DIR.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                Assertions.fail("npm install timed out in " + DIR + "\n" + out);
            }
            Assertions.assertEquals(0, p.exitValue(), "npm install failed in " + DIR + ":\n" + out);
        }
        installed = true;
    }

    /** Copies a source file into the install folder; true when it changed. */
    private static boolean copy(String name) throws IOException {
        Path src = SOURCES.resolve(name);
        Path dst = DIR.resolve(name);
        if (Files.exists(dst) && Files.mismatch(src, dst) == -1) return false;
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }
}
