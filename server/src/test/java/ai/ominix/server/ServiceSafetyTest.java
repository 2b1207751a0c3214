package ai.ominix.server;

import ai.ominix.server.support.LocalHub;
import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Running it as a service: request logs, /metrics, API key, CORS, graceful shutdown. */
class ServiceSafetyTest {
    @TempDir
    Path tmp;

    static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"a b c\"}]}";

    @Test
    void requestIdAndOneStructuredLogLinePerRequest() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger.getLogger("ai.ominix.access").addHandler(h);
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(s.uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("X-Request-Id", "client-42")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("client-42", r.headers().firstValue("X-Request-Id").orElseThrow());
            TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(2));
            HttpResponse<String> t = s.post("/v1/audio/transcriptions", form.contentType(), form.body());
            String generated = t.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(generated.matches("[0-9a-f]{16}"), generated);
            for (int i = 0; i < 100 && lines.size() < 2; i++) Thread.sleep(10);

            JsonNode chat = TestServer.JSON.readTree(find(lines, "client-42").substring("request ".length()));
            assertEquals("POST", chat.path("method").asText());
            assertEquals("/v1/chat/completions", chat.path("path").asText());
            assertEquals(200, chat.path("status").asInt());
            assertTrue(chat.path("duration_ms").asDouble() >= 0);
            assertTrue(chat.path("queue_wait_ms").asDouble() >= 0);
            assertEquals(3, chat.path("completion_tokens").asInt());
            assertTrue(chat.path("prompt_tokens").asInt() > 0);
            JsonNode asr = TestServer.JSON.readTree(find(lines, generated).substring("request ".length()));
            assertEquals(2.0, asr.path("audio_seconds").asDouble(), 1e-9);
            assertEquals("tiny-asr", asr.path("model").asText());
            assertEquals(2, lines.stream().filter(l -> l.contains("client-42") || l.contains(generated)).count());
        } finally {
            Logger.getLogger("ai.ominix.access").removeHandler(h);
        }
    }

    static String find(List<String> lines, String id) {
        return lines.stream().filter(l -> l.contains("\"" + id + "\"")).findFirst().orElseThrow(() -> new AssertionError(lines.toString()));
    }

    @Test
    void metricsInPrometheusTextFormat() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            s.postJson("/v1/chat/completions", CHAT);
            s.postJson("/v1/chat/completions", "{bad");
            TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1.5));
            s.post("/v1/audio/transcriptions", form.contentType(), form.body());
            HttpResponse<String> r = s.get("/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String m = r.body();
            assertTrue(m.contains("ominix_requests_total{route=\"/v1/chat/completions\",method=\"POST\",status=\"200\"} 1\n"), m);
            assertTrue(m.contains("ominix_requests_total{route=\"/v1/chat/completions\",method=\"POST\",status=\"400\"} 1\n"), m);
            assertTrue(m.contains("ominix_completion_tokens_total{model=\"tiny-chat\"} 3\n"), m);
            assertTrue(m.contains("ominix_audio_seconds_total{model=\"tiny-asr\"} 1.50000\n"), m);
            assertTrue(m.contains("ominix_asr_real_time_factor_count{model=\"tiny-asr\"} 1\n"), m);
            assertTrue(m.contains("ominix_chat_time_to_first_token_seconds_count{model=\"tiny-chat\"} 1\n"), m);
            assertTrue(m.contains("ominix_request_duration_seconds_bucket{route=\"/v1/chat/completions\",le=\"+Inf\"} 2\n"), m);
            assertTrue(m.contains("ominix_queue_depth{kind=\"chat\",model=\"tiny-chat\"} 0\n"), m);
            assertTrue(m.contains("ominix_model_loaded{kind=\"asr\",model=\"tiny-asr\"} 1\n"), m);
            assertTrue(m.contains("ominix_model_weight_bytes{kind=\"asr\",model=\"tiny-asr\"} 1234\n"), m);
            assertTrue(m.contains("# TYPE ominix_download_bytes_total counter\n"), m);
            for (String line : m.split("\n")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                        || line.matches("[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*})? -?[0-9.e+-]+"), line);
            }
        }
    }

    @Test
    void apiKeyGuardsV1ButNotHealth() throws Exception {
        try (TestServer s = TestServer.builder(tmp).apiKey("sk-local").start()) {
            s.awaitReady();
            HttpResponse<String> r = s.get("/v1/models");
            assertEquals(401, r.statusCode());
            assertEquals("invalid_api_key", TestServer.json(r).at("/error/code").asText());
            assertEquals("invalid_request_error", TestServer.json(r).at("/error/type").asText());
            r = s.http.send(HttpRequest.newBuilder(s.uri("/v1/models")).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode());
            r = s.http.send(HttpRequest.newBuilder(s.uri("/v1/models")).header("Authorization", "Bearer sk-local").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(200, s.get("/health").statusCode());
            assertEquals(401, s.get("/v1/nothing").statusCode(), "unknown /v1 paths reveal nothing without the key");
            OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(s.baseUrl() + "/v1").apiKey("sk-local").maxRetries(0).build();
            try {
                assertEquals("a b", c.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model(ChatModel.of("tiny-chat")).addUserMessage("a b").build()).choices().getFirst().message().content().orElseThrow());
            } finally {
                c.close();
            }
        }
    }

    @Test
    void corsIsOffByDefaultAndAllowsConfiguredOrigins() throws Exception {
        try (TestServer s = TestServer.builder(tmp.resolve("off")).start()) {
            HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(s.uri("/v1/models")).header("Origin", "http://app.example").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
        try (TestServer s = TestServer.builder(tmp.resolve("on")).cors(List.of("http://app.example")).apiKey("k").start()) {
            HttpResponse<String> pre = s.http.send(HttpRequest.newBuilder(s.uri("/v1/chat/completions"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.example")
                    .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization, content-type")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, pre.statusCode());
            assertEquals("http://app.example", pre.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertTrue(pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("Authorization"));
            assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("POST"));
            HttpResponse<String> get = s.http.send(HttpRequest.newBuilder(s.uri("/v1/models")).header("Origin", "http://app.example")
                    .header("Authorization", "Bearer k").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, get.statusCode());
            assertEquals("http://app.example", get.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            HttpResponse<String> other = s.http.send(HttpRequest.newBuilder(s.uri("/v1/models")).header("Origin", "http://evil.example")
                    .header("Authorization", "Bearer k").build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void gracefulShutdownFinishesInFlightWork() throws Exception {
        TestServer s = TestServer.builder(tmp).start();
        s.awaitReady();
        s.chat.delayPerTokenMs = 100;
        s.chat.started = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> inFlight = s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"messages\": [{\"role\": \"user\", \"content\": \"one two three four five six\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(s.chat.started.await(5, TimeUnit.SECONDS));
        Thread closer = Thread.ofPlatform().start(s::close);
        HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("one two three four five six", TestServer.json(r).at("/choices/0/message/content").asText());
        closer.join(10_000);
        assertEquals(0, s.chat.cancelled.get());
    }

    @Test
    void shutdownCancelsWhatOutlastsTheGracePeriod() throws Exception {
        TestServer s = TestServer.builder(tmp).start();
        s.awaitReady();
        s.chat.hold = new CountDownLatch(1); // never released
        s.chat.started = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> stuck = s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(s.chat.started.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        s.close(); // grace is 1.5 s in tests (surefire ominix.shutdown.grace.ms)
        assertTrue(System.nanoTime() - t0 < 8_000_000_000L);
        assertEquals(1, s.chat.cancelled.get());
        HttpResponse<String> r = stuck.get(5, TimeUnit.SECONDS);
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("cancelled", TestServer.json(r).at("/error/code").asText());
    }

    @Test
    void shutdownKeepsARunningDownloadAndTheNextStartResumesIt() throws Exception {
        try (LocalHub hub = new LocalHub(tmp.resolve("hub"))) {
            Path repo = hub.repo("slow/Resumable");
            Files.writeString(repo.resolve("config.json"), "{\"model_type\": \"minicpm_sala\"}");
            byte[] weights = new byte[3 << 20];
            new Random(9).nextBytes(weights);
            Files.write(repo.resolve("model.safetensors"), weights);
            hub.slowMs = 40;
            Path root = tmp.resolve("srv");
            TestServer s = TestServer.builder(root).env("HF_ENDPOINT", hub.endpoint()).start();
            s.postJson("/v1/models/download", "{\"repo_id\": \"slow/Resumable\"}");
            for (int i = 0; i < 300 && s.server.downloads().get("Resumable").orElseThrow().bytesDone() < (1 << 20); i++) Thread.sleep(10);
            s.close();
            Path partial = s.modelsDir.resolve(".partial-Resumable");
            assertTrue(Files.isDirectory(partial), "partial files are kept");
            long kept = Files.size(partial.resolve("model.safetensors"));
            assertTrue(kept > 0 && kept < weights.length, "kept " + kept);
            assertTrue(Files.readString(s.home.resolve("config.json")).contains("pending_downloads"));
            assertFalse(Files.exists(s.modelsDir.resolve("Resumable")));

            hub.slowMs = 0;
            hub.log.clear();
            try (TestServer again = TestServer.builder(root).env("HF_ENDPOINT", hub.endpoint()).start()) {
                Path done = again.modelsDir.resolve("Resumable/model.safetensors");
                for (int i = 0; i < 500 && !Files.exists(done); i++) Thread.sleep(10);
                assertTrue(Files.exists(done), "resumed on start");
                assertEquals(weights.length, Files.size(done));
                assertTrue(hub.log.stream().anyMatch(l -> l.contains("Resumable/model.safetensors") && l.contains("range=bytes=" + kept + "-")),
                        hub.log.toString());
                assertFalse(Files.readString(again.home.resolve("config.json")).contains("pending_downloads"));
            }
        }
    }
}
