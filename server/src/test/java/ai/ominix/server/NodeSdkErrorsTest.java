package ai.ominix.server;

import ai.ominix.server.support.NodeClients;
import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every error status the server answers, as the official OpenAI Node SDK decodes it: the SDK's
 * error class for the status, the status, our message (the SDK prefixes the status), code, param
 * and {@code Retry-After}. Fake engines make the states (full queue, loading, failing) cheap.
 */
class NodeSdkErrorsTest {
    @TempDir
    Path tmp;

    static Map<String, Object> chat(String text, boolean stream) {
        return Map.of("model", "tiny-chat", "messages", List.of(Map.of("role", "user", "content", text)), "stream", stream);
    }

    static JsonNode error(JsonNode result) {
        assertTrue(!result.path("ok").asBoolean(), "expected an error, got: " + result);
        return result.path("error");
    }

    static void assertSdkError(JsonNode result, String sdkClass, int status, String code, String messagePart) {
        JsonNode e = error(result);
        assertEquals(sdkClass, e.path("class").asText(), e.toString());
        assertEquals(status, e.path("status").asInt(), e.toString());
        assertEquals(code, e.path("code").asText(), e.toString());
        String msg = e.path("message").asText();
        assertTrue(msg.startsWith(status + " ") && msg.contains(messagePart), e.toString());
    }

    @Test
    void clientErrorsAndServerErrors() throws Exception {
        Path big = TestAudio.writeWav(tmp.resolve("big.wav"), 40); // 1.3 MB over a 1 MiB limit
        try (TestServer s = TestServer.builder(tmp.resolve("srv")).uploadMb(1).apiKey("sekrit").start()) {
            s.awaitReady();
            String base = s.baseUrl() + "/v1";
            ArrayNode wrongKey = NodeClients.run("openai-driver.mjs", base, "wrong", List.of(NodeClients.call("modelsList", null)));
            assertSdkError(wrongKey.get(0), "AuthenticationError", 401, "invalid_api_key", "API key");

            s.chat.failWith = new IllegalStateException("kernel exploded");
            ArrayNode r = NodeClients.run("openai-driver.mjs", base, "sekrit", List.of(
                    NodeClients.call("transcribe", Map.of("file", big.toString(), "model", "whisper-1")),
                    NodeClients.call("chat", chat("boom", false)),
                    NodeClients.call("chatStream", chat("boom", true)),
                    NodeClients.call("modelsRetrieve", Map.of("id", "nothing-here"))));
            assertSdkError(r.get(0), "APIError", 413, "file_too_large", "--max-upload-mb");
            assertSdkError(r.get(1), "InternalServerError", 500, "inference_failed", "kernel exploded");
            // Nothing was streamed yet: the failure is an HTTP status, which the SDK raises as such.
            assertSdkError(r.get(2), "InternalServerError", 500, "inference_failed", "kernel exploded");
            assertSdkError(r.get(3), "NotFoundError", 404, "model_not_found", "nothing-here");
        }
    }

    @Test
    void aFullQueueIsARateLimitErrorWithRetryAfter() throws Exception {
        try (TestServer s = TestServer.builder(tmp.resolve("srv")).queue(1).start()) {
            s.awaitReady();
            s.chat.hold = new CountDownLatch(1);
            s.chat.started = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"wait\"}]}";
            held.add(CompletableFuture.supplyAsync(() -> post(s, body)));
            assertTrue(s.chat.started.await(10, TimeUnit.SECONDS)); // one running
            held.add(CompletableFuture.supplyAsync(() -> post(s, body)));
            waitForQueued(s, 1); // one waiting: the queue of 1 is full
            ArrayNode r = NodeClients.run("openai-driver.mjs", s.baseUrl() + "/v1", null,
                    List.of(NodeClients.call("chat", chat("one more", false)), NodeClients.call("chatStream", chat("one more", true)),
                            NodeClients.call("modelsDelete", Map.of("id", "tiny-chat"))));
            s.chat.hold.countDown();
            // A model serving requests is not deleted under them.
            assertSdkError(r.remove(2), "ConflictError", 409, "model_busy", "serving a request");
            for (JsonNode res : r) {
                assertSdkError(res, "RateLimitError", 429, "queue_full", "queue");
                assertTrue(error(res).path("retryAfter").asInt() >= 1, res.toString());
            }
            for (var h : held) assertEquals(200, h.get(30, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void aModelStillLoadingIsAServiceUnavailableWithRetryAfter() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (TestServer s = TestServer.builder(tmp.resolve("srv")).loadGate(gate).loadWait(java.time.Duration.ofMillis(300)).start()) {
            ArrayNode r = NodeClients.run("openai-driver.mjs", s.baseUrl() + "/v1", null,
                    List.of(NodeClients.call("chatStream", chat("too early", true))));
            gate.countDown();
            assertSdkError(r.get(0), "InternalServerError", 503, "model_not_loaded", "loading");
            assertEquals("5", error(r.get(0)).path("retryAfter").asText());
        }
    }

    private static HttpResponse<String> post(TestServer s, String body) {
        try {
            return s.postJson("/v1/chat/completions", body);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private static void waitForQueued(TestServer s, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (s.healthOf("tiny-chat").path("queued").asInt() >= n) return;
            Thread.sleep(10);
        }
        throw new AssertionError("the request did not queue: " + s.get("/health").body());
    }
}
