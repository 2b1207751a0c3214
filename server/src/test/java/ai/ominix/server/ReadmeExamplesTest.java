package ai.ominix.server;

import ai.ominix.server.support.LocalHub;
import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code curl} line of the README's "API with curl" block, run as written (only the port
 * changes) against a server whose models and hub have the names the README uses: each must
 * succeed with a 2xx status, and together they must reach every endpoint.
 */
class ReadmeExamplesTest {
    private static final Pattern URL = Pattern.compile("localhost:8080(/[^\\s'\"]*)");

    @TempDir
    Path tmp;

    /** The curl commands of the first sh block after "## API with curl", continuation lines joined. */
    static List<String> curlExamples() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("\n## API with curl");
        assertTrue(section >= 0, "README has an 'API with curl' section");
        int start = readme.indexOf("```sh\n", section) + 6;
        String block = readme.substring(start, readme.indexOf("\n```", start));
        List<String> commands = new ArrayList<>();
        for (String line : block.replace("\\\n", " ").split("\n")) {
            if (line.startsWith("curl ")) commands.add(line.strip());
        }
        return commands;
    }

    @Test
    void everyCurlExampleOfTheReadmeWorks() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        TestAudio.writeWav(work.resolve("speech.wav"), 2);
        try (LocalHub hub = new LocalHub(tmp.resolve("hub"))) {
            Path repo = hub.repo("mlx-community/Qwen3-ASR-1.7B-8bit");
            Files.writeString(repo.resolve("config.json"), "{\"model_type\": \"qwen3_asr\"}");
            Files.write(repo.resolve("model.safetensors"), new byte[4 << 20]);
            hub.slowMs = 100; // still downloading while the README follows and cancels it
            try (TestServer s = TestServer.builder(tmp.resolve("srv")).modelNames("Qwen3-ASR-0.6B-8bit", "MiniCPM4-SALA-9B-8bit-mlx")
                    .allowFilePaths(List.of(work)).env("HF_ENDPOINT", hub.endpoint()).start()) {
                s.awaitReady();
                TestServer.writeModel(s.modelsDir.resolve("Qwen3-ASR-1.7B-4bit"), "qwen3_asr", true);
                List<String> commands = curlExamples();
                Set<String> reached = new TreeSet<>();
                for (String command : commands) {
                    String cmd = command.replace("localhost:8080", "127.0.0.1:" + s.server.port());
                    Process p = new ProcessBuilder("bash", "-c", cmd + " -sS -o /dev/null -w '%{http_code}'")
                            .directory(work.toFile()).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
                    assertEquals(0, p.exitValue(), command + "\n" + out);
                    assertTrue(out.matches("2\\d\\d"), "HTTP " + out + " from: " + command);
                    Matcher m = URL.matcher(command);
                    assertTrue(m.find(), command);
                    String method = command.contains("-X DELETE") ? "DELETE"
                            : command.contains("-X POST") || command.contains(" -d ") || command.contains(" -F ") ? "POST" : "GET";
                    reached.add(method + " " + m.group(1).replaceAll("/v1/models/download/[^/]+$", "/v1/models/download/{id}")
                            .replaceAll("/v1/models/(?!download)[^/]+(/load|/unload)?$", "/v1/models/{id}$1"));
                }
                assertEquals(new TreeSet<>(Set.of("GET /health", "GET /metrics", "POST /v1/audio/transcriptions",
                        "POST /v1/chat/completions", "POST /v1/messages", "POST /v1/responses", "GET /v1/models", "GET /v1/models/{id}", "DELETE /v1/models/{id}",
                        "POST /v1/models/download", "GET /v1/models/download/{id}", "DELETE /v1/models/download/{id}",
                        "POST /v1/models/{id}/load", "POST /v1/models/{id}/unload")), reached);
                assertTrue(commands.size() >= 15, commands.size() + " examples");
            }
        }
    }
}
