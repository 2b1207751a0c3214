package ai.ominix.server;

import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Background loading and /health, bounded queues, ASR/chat independence, cancellation on disconnect. */
class WorkersAndHealthTest {
    @TempDir
    Path tmp;

    static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"a b c\"}]}";

    @Test
    void listensBeforeModelsLoadAndHealthReportsLoading() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        long t0 = System.nanoTime();
        try (TestServer s = TestServer.builder(tmp).loadGate(gate).loadWait(java.time.Duration.ofMillis(200)).start()) {
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "listening within 2 s");
            HttpResponse<String> h = s.get("/health");
            assertEquals(503, h.statusCode());
            assertTrue(h.headers().firstValue("Retry-After").isPresent());
            JsonNode body = TestServer.json(h);
            assertEquals("starting", body.path("status").asText());
            assertTrue(body.path("loading").toString().contains("tiny-asr"), body.toString());
            // Requests for a loading model wait for it (here 200 ms), then get 503 with Retry-After;
            // model management works meanwhile.
            long waited = System.nanoTime();
            HttpResponse<String> r = s.postJson("/v1/chat/completions", CHAT);
            assertEquals(503, r.statusCode());
            assertTrue(System.nanoTime() - waited >= 150_000_000L, "the request waited for the load first");
            assertEquals("server_error", TestServer.json(r).at("/error/type").asText());
            assertEquals("model_not_loaded", TestServer.json(r).at("/error/code").asText());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            assertEquals(200, s.get("/v1/models").statusCode());
            // The model being loaded cannot be deleted from under the loader.
            for (int i = 0; i < 200 && !s.listed("tiny-asr").path("status").asText().equals("loading"); i++) Thread.sleep(10);
            HttpResponse<String> del = s.delete("/v1/models/tiny-asr");
            assertEquals(409, del.statusCode(), del.body());
            assertEquals("model_loading", TestServer.json(del).at("/error/code").asText());

            gate.countDown();
            s.awaitReady();
            h = s.get("/health");
            assertEquals(200, h.statusCode());
            body = TestServer.json(h);
            assertEquals("ok", body.path("status").asText());
            assertEquals("test-backend", body.path("backend").asText());
            assertEquals("ready", s.healthOf("tiny-asr").path("status").asText(), body.toString());
            assertEquals("asr", s.healthOf("tiny-asr").path("kind").asText());
            assertEquals("ready", s.healthOf("tiny-chat").path("status").asText());
            assertEquals("tiny-asr", body.at("/defaults/asr/id").asText());
        }
    }

    @Test
    void noModelsConfiguredStillServesManagement() throws Exception {
        try (TestServer s = TestServer.builder(tmp).models(false, false).start()) {
            s.awaitReady();
            assertEquals(200, s.get("/health").statusCode());
            assertEquals(0, TestServer.json(s.get("/health")).path("models").size());
            HttpResponse<String> r = s.postJson("/v1/chat/completions", CHAT);
            assertEquals(400, r.statusCode());
            assertEquals("model_not_found", TestServer.json(r).at("/error/code").asText());
            assertTrue(TestServer.json(r).at("/error/message").asText().contains("POST /v1/models/download"), r.body());
            assertEquals(200, s.get("/v1/models").statusCode());
        }
    }

    @Test
    void unknownModelTypeFailsLoadingVisibly() throws Exception {
        try (TestServer s = TestServer.builder(tmp).chatModelType("llama").start()) {
            s.awaitReady();
            HttpResponse<String> h = s.get("/health");
            assertEquals(200, h.statusCode(), "the server serves its other models");
            JsonNode body = TestServer.json(h);
            assertEquals("degraded", body.path("status").asText());
            assertTrue(body.at("/defaults/chat/error").asText().contains("model_type 'llama'"), body.toString());
            assertEquals("ready", s.healthOf("tiny-asr").path("status").asText());
            HttpResponse<String> r = s.postJson("/v1/chat/completions", CHAT);
            assertEquals(500, r.statusCode());
            assertEquals("model_load_failed", TestServer.json(r).at("/error/code").asText());
            assertTrue(TestServer.json(r).at("/error/message").asText().contains("model_type 'llama'"), r.body());
        }
    }

    @Test
    void fullQueueIs429AndAsrDoesNotWaitForChat() throws Exception {
        try (TestServer s = TestServer.builder(tmp).queue(1).start()) {
            s.awaitReady();
            s.chat.hold = new CountDownLatch(1);
            s.chat.started = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> running = async(s, CHAT);
            assertTrue(s.chat.started.await(5, TimeUnit.SECONDS));
            CompletableFuture<HttpResponse<String>> queued = async(s, CHAT);
            for (int i = 0; i < 200 && s.healthOf("tiny-chat").path("queued").asInt() == 0; i++) Thread.sleep(10);
            HttpResponse<String> rejected = s.postJson("/v1/chat/completions", CHAT);
            assertEquals(429, rejected.statusCode(), rejected.body());
            assertEquals("server_error", TestServer.json(rejected).at("/error/type").asText());
            assertEquals("queue_full", TestServer.json(rejected).at("/error/code").asText());
            assertTrue(rejected.headers().firstValue("Retry-After").isPresent());

            // Chat is stuck; speech to text still answers.
            TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1));
            HttpResponse<String> asr = s.post("/v1/audio/transcriptions", form.contentType(), form.body());
            assertEquals(200, asr.statusCode(), asr.body());

            s.chat.hold.countDown();
            assertEquals(200, running.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(200, queued.get(10, TimeUnit.SECONDS).statusCode());
        }
    }

    static CompletableFuture<HttpResponse<String>> async(TestServer s, String json) {
        return s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void clientDisconnectCancelsStreamingGeneration() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            s.chat.delayPerTokenMs = 20;
            String body = "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"" + "word ".repeat(2000) + "\"}]}";
            try (Socket sock = s.rawPostJson("/v1/chat/completions", body)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data:")) { /* headers */ }
                assertTrue(line != null && line.contains("chat.completion.chunk"), String.valueOf(line));
            }
            for (int i = 0; i < 500 && s.chat.cancelled.get() == 0; i++) Thread.sleep(10);
            assertEquals(1, s.chat.cancelled.get(), "generation stopped after the client left");
            // The worker is free again.
            s.chat.delayPerTokenMs = 0;
            assertEquals(200, s.postJson("/v1/chat/completions", CHAT).statusCode());
        }
    }
}
