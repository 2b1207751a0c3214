package ai.ominix.server;

import ai.ominix.server.support.LocalHub;
import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models on demand through HTTP, on fake engines (cheap loads, controllable states): any model on
 * disk by id, repo id or alias; loading on first use; keep-alive expiry, {@code keep_alive: 0},
 * explicit load and unload, LRU eviction under a small {@code --max-memory} and
 * {@code --max-loaded-models}, busy models never evicted, failed loads that do not poison the next
 * attempt. Each is observed through {@code /v1/models}, {@code /health} and {@code /metrics}.
 * The fake weight files are 1234 bytes, so a budget of 3000 bytes holds two models.
 */
class ModelsOnDemandTest {
    @TempDir
    Path tmp;

    static String chatBody(String model, String text) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}]}";
    }

    static HttpResponse<String> transcribe(TestServer s, String model, String... fields) throws Exception {
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1));
        if (model != null) form.field("model", model);
        for (int i = 0; i < fields.length; i += 2) form.field(fields[i], fields[i + 1]);
        return s.post("/v1/audio/transcriptions", form.contentType(), form.body());
    }

    static CompletableFuture<HttpResponse<String>> transcribeAsync(TestServer s, String model) {
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1)).field("model", model);
        return s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/audio/transcriptions")).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> chatAsync(TestServer s, String model) {
        return s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(model, "x y"))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of the samples of a metric whose labels contain every {@code parts} string; 0 when none. */
    static double metric(TestServer s, String name, String... parts) throws Exception {
        double sum = 0;
        for (String line : s.get("/metrics").body().lines().toList()) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
            boolean all = true;
            for (String p : parts) all &= line.contains(p);
            if (all) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    static void awaitStatus(TestServer s, String id, String status) throws Exception {
        awaitListed(s, id, m -> m.path("status").asText().equals(status), "status " + status);
    }

    static void awaitListed(TestServer s, String id, Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode m = null;
        while (System.nanoTime() < deadline) {
            m = s.listed(id);
            if (ok.test(m)) return;
            Thread.sleep(20);
        }
        throw new AssertionError(id + " never reached " + what + ": " + m);
    }

    static JsonNode error(HttpResponse<String> r) throws Exception {
        return TestServer.json(r).path("error");
    }

    @Test
    void aModelDownloadedThroughTheApiServesByItsIdWithoutARestart() throws Exception {
        try (LocalHub hub = new LocalHub(tmp.resolve("hub"))) {
            Path repo = hub.repo("mlx-community/Qwen3-ASR-1.7B-8bit");
            Files.writeString(repo.resolve("config.json"), "{\"model_type\": \"qwen3_asr\"}");
            Files.write(repo.resolve("model.safetensors"), new byte[5000]);
            try (TestServer s = TestServer.builder(tmp.resolve("srv")).env("HF_ENDPOINT", hub.endpoint()).start()) {
                s.awaitReady();
                assertEquals(202, s.postJson("/v1/models/download", "{\"repo_id\": \"mlx-community/Qwen3-ASR-1.7B-8bit\"}").statusCode());
                awaitListed(s, "Qwen3-ASR-1.7B-8bit", m -> m.path("source").asText().equals("models_dir")
                        && !m.path("status").asText().equals("downloading"), "downloaded");
                assertEquals("unloaded", s.listed("Qwen3-ASR-1.7B-8bit").path("status").asText());

                // The official SDK names it by its repo id, then by its id: one load, the same engine.
                Path wav = TestAudio.writeWav(tmp.resolve("clip.wav"), 2);
                OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(s.baseUrl() + "/v1").apiKey("x").maxRetries(0).build();
                try {
                    for (String name : List.of("mlx-community/Qwen3-ASR-1.7B-8bit", "Qwen3-ASR-1.7B-8bit")) {
                        String text = client.audio().transcriptions().create(TranscriptionCreateParams.builder().file(wav)
                                .model(AudioModel.of(name)).build()).asTranscription().text();
                        assertEquals("second 1 second 2", text);
                    }
                } finally {
                    client.close();
                }
                assertEquals(1, s.loads.get("Qwen3-ASR-1.7B-8bit").get());
                assertEquals(2, s.asrs.get("Qwen3-ASR-1.7B-8bit").calls.get());
                assertEquals(0, s.asr.calls.get(), "the default model was not used");
                JsonNode m = s.listed("Qwen3-ASR-1.7B-8bit");
                assertTrue(m.path("loaded").asBoolean(), m.toString());
                assertEquals("ready", m.path("status").asText());
                assertEquals("asr", m.path("kind").asText());
                assertTrue(m.path("memory_bytes").asLong() >= 5000, m.toString());
                assertEquals(1, metric(s, "ominix_model_loads_total", "model=\"Qwen3-ASR-1.7B-8bit\"", "outcome=\"ok\""));
                assertEquals(3, metric(s, "ominix_model_loaded"), "the two defaults and the new one");
            }
        }
    }

    @Test
    void aliasesAndAnOmittedModelMeanTheDefaultOfTheEndpointsKind() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("other-asr"), "qwen3_asr", true);
            for (String alias : new String[] {null, "qwen3-asr", "whisper-1", "gpt-4o-transcribe"}) {
                assertEquals(200, transcribe(s, alias).statusCode());
            }
            assertEquals(4, s.asr.calls.get(), "the configured model answers the aliases, not the other one");
            HttpResponse<String> c = s.postJson("/v1/chat/completions", chatBody("minicpm-sala-9b", "a"));
            assertEquals("tiny-chat", TestServer.json(c).path("model").asText());

            // A kind mismatch says which endpoint serves the model.
            HttpResponse<String> wrong = transcribe(s, "tiny-chat");
            assertEquals(400, wrong.statusCode());
            assertEquals("wrong_model_kind", error(wrong).path("code").asText());
            assertTrue(error(wrong).path("message").asText().contains("/v1/chat/completions"), wrong.body());
            HttpResponse<String> wrong2 = s.postJson("/v1/chat/completions", chatBody("other-asr", "a"));
            assertEquals(400, wrong2.statusCode());
            assertTrue(error(wrong2).path("message").asText().contains("/v1/audio/transcriptions"), wrong2.body());

            HttpResponse<String> unknown = transcribe(s, "no-such-model");
            assertEquals(404, unknown.statusCode());
            assertTrue(error(unknown).path("message").asText().contains("other-asr"), "lists what is available: " + unknown.body());

            TestServer.writeModel(s.modelsDir.resolve("llama-thing"), "llama", false);
            HttpResponse<String> unsupported = transcribe(s, "llama-thing");
            assertEquals(400, unsupported.statusCode());
            assertEquals("unsupported_model", error(unsupported).path("code").asText());
        }
    }

    @Test
    void withoutAConfiguredModelTheOnlyOneOfItsKindIsTheDefaultAndSeveralNeedAName() throws Exception {
        try (TestServer s = TestServer.builder(tmp).models(false, false).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("only-asr"), "qwen3_asr", true);
            assertEquals(200, transcribe(s, null).statusCode());
            assertEquals(1, s.asrs.get("only-asr").calls.get());
            TestServer.writeModel(s.modelsDir.resolve("second-asr"), "qwen3_asr", true);
            HttpResponse<String> r = transcribe(s, "whisper-1");
            assertEquals(400, r.statusCode());
            assertEquals("model_required", error(r).path("code").asText());
            String msg = error(r).path("message").asText();
            assertTrue(msg.contains("only-asr") && msg.contains("second-asr"), msg);
            assertEquals(200, transcribe(s, "second-asr").statusCode());
        }
    }

    @Test
    void keepAliveExpiryAndPerRequestKeepAlive() throws Exception {
        try (TestServer s = TestServer.builder(tmp).keepAlive("400ms").start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("brief-asr"), "qwen3_asr", true);
            assertEquals(200, transcribe(s, "brief-asr").statusCode());
            JsonNode m = s.listed("brief-asr");
            assertEquals("ready", m.path("status").asText());
            assertTrue(m.path("expires_at").asLong() > 0, m.toString());
            awaitStatus(s, "brief-asr", "unloaded");
            assertTrue(metric(s, "ominix_model_unloads_total", "model=\"brief-asr\"", "reason=\"idle\"") >= 1);
            // The next request loads it again.
            assertEquals(200, transcribe(s, "brief-asr").statusCode());
            assertEquals(2, s.loads.get("brief-asr").get());

            // keep_alive -1 on a request: the model stays past the server's 400 ms.
            assertEquals(200, transcribe(s, "brief-asr", "keep_alive", "-1").statusCode());
            Thread.sleep(900);
            assertEquals("ready", s.listed("brief-asr").path("status").asText());
            assertTrue(s.listed("brief-asr").path("expires_at").isNull(), s.listed("brief-asr").toString());

            // keep_alive 0 (chat JSON, a number): unloaded as soon as the answer is out.
            HttpResponse<String> c = s.postJson("/v1/chat/completions",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"bye\"}], \"keep_alive\": 0}");
            assertEquals(200, c.statusCode(), c.body());
            awaitStatus(s, "tiny-chat", "unloaded");
            assertEquals(400, s.postJson("/v1/chat/completions",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"keep_alive\": \"soon\"}").statusCode());
        }
    }

    @Test
    void explicitLoadAndUnload() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("warm-asr"), "qwen3_asr", true);
            CountDownLatch gate = new CountDownLatch(1);
            s.loadGates.put("warm-asr", gate);
            HttpResponse<String> load = s.post("/v1/models/warm-asr/load", null, new byte[0]);
            assertEquals(202, load.statusCode(), load.body());
            assertEquals("loading", TestServer.json(load).path("status").asText());
            assertEquals("loading", s.listed("warm-asr").path("status").asText());
            // An unload during the load waits for it, then unloads.
            var unloadWhileLoading = s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/models/warm-asr/unload"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(100);
            assertFalse(unloadWhileLoading.isDone());
            gate.countDown();
            assertEquals(200, unloadWhileLoading.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals("unloaded", s.listed("warm-asr").path("status").asText());
            assertEquals(202, s.post("/v1/models/warm-asr/load", null, new byte[0]).statusCode());
            awaitStatus(s, "warm-asr", "ready");
            assertEquals(200, s.postJson("/v1/models/warm-asr/load", "{\"keep_alive\": \"10m\"}").statusCode(), "already loaded");
            assertEquals(0, s.asrs.get("warm-asr").calls.get(), "loaded without a request");

            // Busy: 409; idle: unloaded.
            s.asr.hold = new CountDownLatch(1);
            s.asr.started = new CountDownLatch(1);
            var running = transcribeAsync(s, "tiny-asr");
            assertTrue(s.asr.started.await(10, TimeUnit.SECONDS));
            HttpResponse<String> busy = s.post("/v1/models/tiny-asr/unload", null, new byte[0]);
            assertEquals(409, busy.statusCode());
            assertEquals("model_busy", error(busy).path("code").asText());
            s.asr.hold.countDown();
            assertEquals(200, running.get(10, TimeUnit.SECONDS).statusCode());

            HttpResponse<String> un = s.post("/v1/models/warm-asr/unload", null, new byte[0]);
            assertEquals(200, un.statusCode(), un.body());
            assertTrue(TestServer.json(un).path("unloaded").asBoolean());
            assertEquals("unloaded", s.listed("warm-asr").path("status").asText());
            assertFalse(TestServer.json(s.post("/v1/models/warm-asr/unload", null, new byte[0])).path("unloaded").asBoolean());
            assertEquals(2, metric(s, "ominix_model_unloads_total", "model=\"warm-asr\"", "reason=\"explicit\""));
            assertEquals(404, s.post("/v1/models/nothing/load", null, new byte[0]).statusCode());
        }
    }

    @Test
    void leastRecentlyUsedIdleModelIsEvictedUnderTheMemoryBudget() throws Exception {
        try (TestServer s = TestServer.builder(tmp).maxMemory(3000).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("third-asr"), "qwen3_asr", true);
            assertEquals(200, transcribe(s, "tiny-asr").statusCode());
            assertEquals(200, s.postJson("/v1/chat/completions", chatBody("tiny-chat", "a")).statusCode()); // tiny-asr is now LRU
            assertEquals(200, transcribe(s, "third-asr").statusCode());
            assertEquals("unloaded", s.listed("tiny-asr").path("status").asText());
            assertEquals("ready", s.listed("tiny-chat").path("status").asText());
            assertEquals("ready", s.listed("third-asr").path("status").asText());
            assertEquals(1, metric(s, "ominix_model_evictions_total"));
            assertEquals(1, metric(s, "ominix_model_unloads_total", "model=\"tiny-asr\"", "reason=\"evicted\""));
            JsonNode mem = TestServer.json(s.get("/health")).path("memory");
            assertEquals(3000, mem.path("budget_bytes").asLong());
            assertTrue(mem.path("planned_bytes").asLong() <= 3000, mem.toString());
            // The evicted model comes back on its next request (evicting the next LRU, tiny-chat).
            assertEquals(200, transcribe(s, "tiny-asr").statusCode());
            assertEquals(2, s.loads.get("tiny-asr").get());
            assertEquals("unloaded", s.listed("tiny-chat").path("status").asText());
        }
    }

    @Test
    void busyModelsAreNeverEvictedAndTheRefusalNamesTheBudgetAndItsHolders() throws Exception {
        try (TestServer s = TestServer.builder(tmp).maxMemory(3000).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("third-asr"), "qwen3_asr", true);
            s.asr.hold = new CountDownLatch(1);
            s.asr.started = new CountDownLatch(1);
            s.chat.hold = new CountDownLatch(1);
            s.chat.started = new CountDownLatch(1);
            var asrRunning = transcribeAsync(s, "tiny-asr");
            var chatRunning = chatAsync(s, "tiny-chat");
            assertTrue(s.asr.started.await(10, TimeUnit.SECONDS) && s.chat.started.await(10, TimeUnit.SECONDS));
            HttpResponse<String> r = transcribe(s, "third-asr");
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("memory_budget_exceeded", error(r).path("code").asText());
            String msg = error(r).path("message").asText();
            assertTrue(msg.contains("--max-memory") && msg.contains("tiny-asr") && msg.contains("tiny-chat"), msg);
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            s.asr.hold.countDown();
            s.chat.hold.countDown();
            assertEquals(200, asrRunning.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(200, chatRunning.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(0, metric(s, "ominix_model_evictions_total"));
            assertEquals(200, transcribe(s, "third-asr").statusCode(), "fits once one is idle");
        }
        try (TestServer s = TestServer.builder(tmp.resolve("small")).models(false, false).maxMemory(1000).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("big-asr"), "qwen3_asr", true);
            HttpResponse<String> r = transcribe(s, "big-asr");
            assertEquals(503, r.statusCode());
            assertTrue(error(r).path("message").asText().contains("more than the memory budget"), r.body());
        }
    }

    @Test
    void theLoadedModelLimitEvictsToo() throws Exception {
        try (TestServer s = TestServer.builder(tmp).maxLoadedModels(2).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("third-asr"), "qwen3_asr", true);
            assertEquals(200, s.postJson("/v1/chat/completions", chatBody("tiny-chat", "a")).statusCode());
            assertEquals(200, transcribe(s, "third-asr").statusCode());
            assertEquals(2, metric(s, "ominix_model_loaded"));
            assertEquals(1, metric(s, "ominix_model_evictions_total"));
        }
    }

    @Test
    void aFailedLoadReachesEveryWaiterAndDoesNotPoisonTheNextAttempt() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("broken-asr"), "qwen3_asr", true);
            s.failLoads.put("broken-asr", "model.safetensors is truncated (test)");
            CountDownLatch gate = new CountDownLatch(1);
            s.loadGates.put("broken-asr", gate);
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) waiting.add(transcribeAsync(s, "broken-asr"));
            awaitStatus(s, "broken-asr", "loading");
            Thread.sleep(200); // all three are waiting on the one load
            gate.countDown();
            for (var w : waiting) {
                HttpResponse<String> r = w.get(10, TimeUnit.SECONDS);
                assertEquals(500, r.statusCode(), r.body());
                assertEquals("model_load_failed", error(r).path("code").asText());
                assertTrue(error(r).path("message").asText().contains("truncated (test)"), r.body());
            }
            assertEquals(1, s.loads.get("broken-asr").get(), "one load for all the waiters");
            JsonNode m = s.listed("broken-asr");
            assertEquals("failed", m.path("status").asText());
            assertTrue(m.path("error").asText().contains("truncated"), m.toString());
            assertEquals("degraded", TestServer.json(s.get("/health")).path("status").asText());
            assertEquals(200, s.get("/health").statusCode());
            assertEquals(1, metric(s, "ominix_model_loads_total", "model=\"broken-asr\"", "outcome=\"failed\""));

            s.failLoads.remove("broken-asr"); // the user fixes the files
            assertEquals(200, transcribe(s, "broken-asr").statusCode());
            assertEquals("ready", s.listed("broken-asr").path("status").asText());
            assertEquals("ok", TestServer.json(s.get("/health")).path("status").asText());
        }
    }

    @Test
    void deletingALoadedIdleModelUnloadsItFirst() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            TestServer.writeModel(s.modelsDir.resolve("doomed-asr"), "qwen3_asr", true);
            assertEquals(200, transcribe(s, "doomed-asr").statusCode());
            HttpResponse<String> d = s.delete("/v1/models/doomed-asr");
            assertEquals(200, d.statusCode(), d.body());
            assertFalse(Files.exists(s.modelsDir.resolve("doomed-asr")));
            assertEquals(1, metric(s, "ominix_model_unloads_total", "model=\"doomed-asr\"", "reason=\"deleted\""));
            assertEquals(404, transcribe(s, "doomed-asr").statusCode());
        }
    }

    @Test
    void ominixPsListsWhatARunningServerHoldsAndWhenItUnloads() throws Exception {
        try (TestServer s = TestServer.builder(tmp).keepAlive("10m").apiKey("k3y").start()) {
            s.awaitReady();
            CliTest.Run r = CliTest.inProcess("ps", "--url", s.baseUrl(), "--api-key", "k3y");
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.getFirst().startsWith("NAME") && lines.getFirst().contains("MEMORY"), r.out());
            String asrLine = lines.stream().filter(l -> l.startsWith("tiny-asr ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
            assertTrue(asrLine.contains(" asr ") && asrLine.contains("ready") && asrLine.contains("KiB") && asrLine.contains("in 9 min"),
                    asrLine);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("tiny-chat ")), r.out());

            CliTest.Run denied = CliTest.inProcess("ps", "--url", s.baseUrl(), "--api-key", "wrong");
            assertEquals(1, denied.code());
            assertTrue(denied.err().contains("401"), denied.err());
        }
        CliTest.Run none = CliTest.inProcess("ps", "--url", "http://127.0.0.1:9");
        assertEquals(1, none.code());
        assertTrue(none.err().contains("no server at"), none.err());
    }
}
