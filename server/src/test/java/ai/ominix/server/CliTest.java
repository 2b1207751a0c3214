package ai.ominix.server;

import ai.ominix.server.support.LocalHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code ominix} command in a child JVM with its own environment. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    Run ominix(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", lean(), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMINIX_HOME", tmp.resolve("home").toString());
        pb.environment().put("HF_HOME", tmp.resolve("hf").toString());
        pb.environment().put("HF_ENDPOINT", "http://127.0.0.1:9");
        pb.environment().remove("HF_TOKEN");
        pb.environment().putAll(env);
        pb.redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, Files.readString(tmp.resolve("err.txt")));
    }

    /** The test class path without the OpenAI SDK and its dependencies (a faster child JVM). */
    static String lean() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.matches(".*(openai|okhttp|okio|kotlin|jackson-datatype|jackson-module).*"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** Runs the command in this JVM (no environment needed), capturing stdout and stderr. */
    static Run inProcess(String... args) {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream oldOut = System.out, oldErr = System.err;
        try {
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void everySubcommandHasHelp() throws Exception {
        for (String sub : List.of("serve", "transcribe", "chat", "pull", "models", "ps", "rm")) {
            Run r = inProcess(sub, "--help");
            assertEquals(0, r.code(), sub + ": " + r.err());
            assertTrue(r.out().contains("Usage: ominix " + sub), r.out());
        }
        Run serve = inProcess("serve", "--help");
        for (String flag : List.of("--host", "--port", "--models-dir", "--asr-model", "--chat-model", "--backend",
                "--max-upload-mb", "--allow-file-path", "--temperature", "--max-tokens", "--no-think")) {
            assertTrue(serve.out().contains(flag), flag);
        }
        Run bad = inProcess("serve", "--frobnicate");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--frobnicate"), bad.err());
    }

    @Test
    void pullModelsRm() throws Exception {
        try (LocalHub hub = new LocalHub(tmp.resolve("hub"))) {
            Path repo = hub.repo("mlx-community/Tiny-Chat-8bit");
            Files.writeString(repo.resolve("config.json"), "{\"model_type\": \"minicpm_sala\", \"quantization\": {\"bits\": 8, \"group_size\": 64}}");
            Files.write(repo.resolve("model.safetensors"), new byte[300_000]);
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint(), "HF_TOKEN", "hf_secret");

            Run pull = ominix(env, "pull", "mlx-community/Tiny-Chat-8bit");
            assertEquals(0, pull.code(), pull.err());
            Path dir = tmp.resolve("home/models/Tiny-Chat-8bit");
            assertEquals(dir.toString(), pull.out().strip());
            assertTrue(pull.err().contains("100%"), pull.err());
            assertEquals(300_000, Files.size(dir.resolve("model.safetensors")));

            Run again = ominix(env, "pull", "mlx-community/Tiny-Chat-8bit");
            assertEquals(1, again.code());
            assertTrue(again.err().contains("already exists"), again.err());

            Run models = ominix(env, "models");
            assertEquals(0, models.code(), models.err());
            assertTrue(models.out().contains("Tiny-Chat-8bit") && models.out().contains("8bit/64"), models.out());

            Run traversal = ominix(env, "rm", "../home");
            assertEquals(1, traversal.code());
            assertTrue(Files.isDirectory(dir));

            Run rm = ominix(env, "rm", "Tiny-Chat-8bit");
            assertEquals(0, rm.code(), rm.err());
            assertFalse(Files.exists(dir));
            Run missing = ominix(env, "rm", "Tiny-Chat-8bit");
            assertEquals(1, missing.code());
            assertTrue(missing.err().contains("not found"), missing.err());
        }
    }

    Process pullModels(LocalHub hub, String which) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("bash", "../scripts/pull-models.sh", which).redirectErrorStream(true);
        pb.environment().put("OMINIX_CMD", java + " --add-modules jdk.incubator.vector -XX:TieredStopAtLevel=1 -cp " + lean()
                + " " + Main.class.getName());
        pb.environment().put("OMINIX_HOME", tmp.resolve("home").toString());
        pb.environment().put("HF_HOME", tmp.resolve("hf").toString());
        pb.environment().put("HF_ENDPOINT", hub.endpoint());
        pb.environment().put("HF_TOKEN", "hf_secret");
        return pb.start();
    }

    static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void pullModelsScriptFetchesRecommendedCheckpointsAndResumes() throws Exception {
        try (LocalHub hub = new LocalHub(tmp.resolve("hub"))) {
            for (String repo : List.of("mlx-community/Qwen3-ASR-0.6B-8bit", "mlx-community/Qwen3-ASR-1.7B-8bit",
                    "moxin-org/MiniCPM4-SALA-9B-8bit-mlx")) {
                Path r = hub.repo(repo);
                Files.writeString(r.resolve("config.json"), "{\"model_type\": \"" + (repo.contains("ASR") ? "qwen3_asr" : "minicpm_sala") + "\"}");
                byte[] w = new byte[repo.contains("SALA") ? 3 << 20 : 100_000];
                new java.util.Random(repo.hashCode()).nextBytes(w);
                Files.write(r.resolve("model.safetensors"), w);
            }
            Process asr = pullModels(hub, "asr");
            String out = finish(asr);
            assertEquals(0, asr.exitValue(), out);
            Path models = tmp.resolve("home/models");
            assertTrue(Files.exists(models.resolve("Qwen3-ASR-0.6B-8bit/model.safetensors")), out);
            assertTrue(Files.exists(models.resolve("Qwen3-ASR-1.7B-8bit/model.safetensors")), out);
            assertFalse(Files.exists(models.resolve("MiniCPM4-SALA-9B-8bit-mlx")));

            // Interrupt the chat pull halfway (SIGTERM to the JVM), then run again: it resumes.
            hub.slowMs = 50;
            Process chat = pullModels(hub, "chat");
            Path partial = models.resolve(".partial-MiniCPM4-SALA-9B-8bit-mlx/model.safetensors");
            for (int i = 0; i < 1000 && !(Files.exists(partial) && Files.size(partial) > (1 << 20)); i++) Thread.sleep(10);
            chat.descendants().filter(ph -> ph.info().command().orElse("").endsWith("java")).forEach(ProcessHandle::destroy);
            out = finish(chat);
            assertEquals(1, chat.exitValue(), out);
            long kept = Files.size(partial);
            assertTrue(kept > 0 && kept < (3 << 20), "kept " + kept);
            hub.slowMs = 0;
            hub.log.clear();
            Process again = pullModels(hub, "all");
            out = finish(again);
            assertEquals(0, again.exitValue(), out);
            assertTrue(out.contains("Qwen3-ASR-0.6B-8bit: already in"), out);
            assertEquals(3 << 20, Files.size(models.resolve("MiniCPM4-SALA-9B-8bit-mlx/model.safetensors")));
            assertTrue(hub.log.stream().anyMatch(l -> l.contains("MiniCPM4-SALA-9B-8bit-mlx/model.safetensors")
                    && l.contains("range=bytes=" + kept + "-")), hub.log.toString());
        }
    }

    @Test
    void transcribeWithoutAModelSaysWhatToDo() throws Exception {
        Path wav = ai.ominix.server.support.TestAudio.writeWav(tmp.resolve("a.wav"), 1);
        Run r = ominix(Map.of(), "transcribe", wav.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no speech to text model found"), r.err());
        r = ominix(Map.of(), "transcribe", "--language", "Klingon", wav.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unsupported language"), r.err());
    }
}
