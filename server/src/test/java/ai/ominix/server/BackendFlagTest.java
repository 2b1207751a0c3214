package ai.ominix.server;

import ai.ominix.server.support.TestAudio;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --backend mlx} on a machine where mlx-c cannot be loaded stops every command at once with
 * MLX's reason and exit code 1, before any model is resolved; {@code --backend auto} falls back to
 * the CPU backend and says so in the log and in /health. Child JVMs whose {@code MLX_C_LIBRARY}
 * names a missing file, so this runs the same whether or not this machine has mlx-c.
 */
class BackendFlagTest {
    @TempDir
    Path tmp;

    private ProcessBuilder ominix(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", CliTest.lean(), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMINIX_HOME", tmp.resolve("home").toString());
        pb.environment().put("HF_HOME", tmp.resolve("hf").toString());
        pb.environment().put("HF_ENDPOINT", "http://127.0.0.1:9");
        pb.environment().put("MLX_C_LIBRARY", tmp.resolve("nowhere/libmlxc.so").toString());
        pb.redirectOutput(tmp.resolve("out.txt").toFile());
        pb.redirectError(tmp.resolve("err.txt").toFile());
        return pb;
    }

    private String failsWithMlxMessage(String command, String... args) throws Exception {
        Process p = ominix(args).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not stop");
        String err = Files.readString(tmp.resolve("err.txt"));
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("ominix " + command + ": the MLX backend is unavailable: MLX_C_LIBRARY points to "), err);
        assertTrue(err.contains("scripts/build-mlx"), "says how to build the library: " + err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        return err;
    }

    @Test
    void serveWithMlxStopsAtStartup() throws Exception {
        String err = failsWithMlxMessage("serve", "serve", "--backend", "mlx", "--port", "0");
        assertFalse(err.contains("listening on"), err);
    }

    @Test
    void otherCommandsWithMlxStopBeforeLookingForAModel() throws Exception {
        Path wav = TestAudio.writeWav(tmp.resolve("a.wav"), 1);
        // No model exists: the backend error comes first, not "no ... model found".
        failsWithMlxMessage("transcribe", "transcribe", "--backend", "mlx", wav.toString());
        failsWithMlxMessage("chat", "chat", "--backend", "mlx", "hello");
        failsWithMlxMessage("asr", "bench", "asr", "--backend", "mlx", "--model", "no-such-model");
        failsWithMlxMessage("chat", "bench", "chat", "--backend", "mlx", "--model", "no-such-model");
    }

    @Test
    void autoFallsBackToTheCpuBackendAndSaysSo() throws Exception {
        Process p = ominix("serve", "--backend", "auto", "--port", "0").start();
        try {
            Path errFile = tmp.resolve("err.txt");
            Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
            Matcher m = null;
            for (int i = 0; i < 600 && p.isAlive(); i++) {
                m = listening.matcher(Files.readString(errFile));
                if (m.find()) break;
                m = null;
                Thread.sleep(100);
            }
            String err = Files.readString(errFile);
            assertTrue(m != null, "server did not start: " + err);
            assertTrue(err.contains("backend auto: using the CPU backend; the MLX backend is unavailable"), err);

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, health.statusCode(), health.body());
            JsonNode body = new ObjectMapper().readTree(health.body());
            assertEquals("cpu", body.path("backend").asText(), health.body());
            assertEquals("auto", body.path("backend_requested").asText(), health.body());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
