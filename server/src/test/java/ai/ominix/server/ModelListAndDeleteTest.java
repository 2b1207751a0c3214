package ai.ominix.server;

import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /v1/models} (models dir, hub cache, metadata) and {@code DELETE /v1/models/{id}}. */
class ModelListAndDeleteTest {
    @TempDir
    static Path tmp;
    static TestServer s;
    static Path hubSnapshot;

    @BeforeAll
    static void start() throws Exception {
        Path hf = tmp.resolve("hf");
        Path repo = hf.resolve("hub/models--mlx-community--Cached-ASR-8bit");
        hubSnapshot = repo.resolve("snapshots/" + "a".repeat(40));
        Path blob = repo.resolve("blobs/deadbeef");
        Files.createDirectories(blob.getParent());
        Files.write(blob, new byte[4321]);
        TestServer.writeModel(hubSnapshot, "qwen3_asr", true);
        Files.delete(hubSnapshot.resolve("model.safetensors"));
        Files.createSymbolicLink(hubSnapshot.resolve("model.safetensors"), blob); // as the HF cache stores it
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "a".repeat(40));
        s = TestServer.builder(tmp.resolve("srv")).env("HF_HOME", hf.toString()).start();
        s.awaitReady();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static JsonNode models() throws Exception {
        HttpResponse<String> r = s.get("/v1/models");
        assertEquals(200, r.statusCode());
        JsonNode j = TestServer.json(r);
        assertEquals("list", j.path("object").asText());
        return j.path("data");
    }

    static JsonNode find(String id) throws Exception {
        for (JsonNode m : models()) if (m.path("id").asText().equals(id)) return m;
        return null;
    }

    @Test
    void listsModelsDirHubCacheAndLoadedState() throws Exception {
        JsonNode asr = find("tiny-asr");
        assertEquals("model", asr.path("object").asText());
        assertEquals("local", asr.path("owned_by").asText());
        assertTrue(asr.path("loaded").asBoolean());
        assertEquals(s.modelsDir.resolve("tiny-asr").toString(), asr.path("path").asText());
        assertEquals(8, asr.at("/quantization/bits").asInt());
        assertEquals(1234, asr.path("size_bytes").asLong());
        assertTrue(find("tiny-chat").path("loaded").asBoolean());
        assertTrue(find("tiny-chat").path("quantization").isMissingNode());

        JsonNode cached = find("mlx-community/Cached-ASR-8bit");
        assertEquals("mlx-community", cached.path("owned_by").asText());
        assertEquals(hubSnapshot.toString(), cached.path("path").asText());
        assertEquals(4321, cached.path("size_bytes").asLong());
        assertFalse(cached.path("loaded").asBoolean());
        // Every listed id can be retrieved, the hub cache's owner/name too (plain or %2F-encoded).
        for (String path : new String[] {"/v1/models/mlx-community/Cached-ASR-8bit", "/v1/models/mlx-community%2FCached-ASR-8bit"}) {
            HttpResponse<String> r = s.get(path);
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            assertEquals(cached, TestServer.json(r), path);
        }
        for (JsonNode m : models()) {
            HttpResponse<String> r = s.get("/v1/models/" + m.path("id").asText());
            assertEquals(200, r.statusCode(), m.toString());
        }

        // Scanned on each request: a model copied in by hand appears, and GET /v1/models/{id} finds it.
        TestServer.writeModel(s.modelsDir.resolve("hand-copied"), "minicpm_sala", false);
        assertEquals("hand-copied", TestServer.json(s.get("/v1/models/hand-copied")).path("id").asText());
        assertEquals(404, s.get("/v1/models/never-heard-of").statusCode());
        // A folder without config.json is not a model.
        Files.createDirectories(s.modelsDir.resolve("just-a-folder"));
        assertEquals(null, find("just-a-folder"));
    }

    @Test
    void aLoadedModelOutsideTheModelsDirIsListedWithItsMetadata() throws Exception {
        Path elsewhere = tmp.resolve("elsewhere/My-ASR");
        TestServer.writeModel(elsewhere, "qwen3_asr", true);
        try (TestServer other = TestServer.builder(tmp.resolve("srv2")).models(false, false).asrSpec(elsewhere.toString()).start()) {
            other.awaitReady();
            HttpResponse<String> r = other.get("/v1/models/My-ASR");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode m = TestServer.json(r);
            assertTrue(m.path("loaded").asBoolean(), m.toString());
            assertEquals("local", m.path("owned_by").asText());
            assertEquals(8, m.at("/quantization/bits").asInt(), m.toString());
            assertEquals(64, m.at("/quantization/group_size").asInt(), m.toString());
            assertEquals(1234, m.path("size_bytes").asLong(), m.toString());
        }
    }

    @Test
    void corruptConfigFileIsTolerated() throws Exception {
        Files.writeString(s.home.resolve("config.json"), "{\"models\": {broken");
        assertEquals(200, s.get("/v1/models").statusCode());
        TestServer.writeModel(s.modelsDir.resolve("to-delete-2"), "minicpm_sala", false);
        assertEquals(200, s.delete("/v1/models/to-delete-2").statusCode());
        assertTrue(Files.exists(s.home.resolve("config.json.corrupt")));
    }

    @Test
    void deleteRemovesTheDirectory() throws Exception {
        Path dir = s.modelsDir.resolve("to-delete");
        TestServer.writeModel(dir, "minicpm_sala", false);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/x"), "x");
        HttpResponse<String> r = s.delete("/v1/models/to-delete");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("to-delete", TestServer.json(r).path("id").asText());
        assertTrue(TestServer.json(r).path("deleted").asBoolean());
        assertFalse(Files.exists(dir));
        assertEquals(null, find("to-delete"));
        r = s.delete("/v1/models/to-delete");
        assertEquals(404, r.statusCode());
        assertEquals("model_not_found", TestServer.json(r).at("/error/code").asText());
    }

    @Test
    void aModelServingARequestIsNotDeleted() throws Exception {
        s.asr.hold = new java.util.concurrent.CountDownLatch(1);
        s.asr.started = new java.util.concurrent.CountDownLatch(1);
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1));
        var running = s.http.sendAsync(java.net.http.HttpRequest.newBuilder(s.uri("/v1/audio/transcriptions"))
                .header("Content-Type", form.contentType()).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(form.body()))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        try {
            assertTrue(s.asr.started.await(10, java.util.concurrent.TimeUnit.SECONDS));
            HttpResponse<String> r = s.delete("/v1/models/tiny-asr");
            assertEquals(409, r.statusCode());
            assertEquals("conflict", TestServer.json(r).at("/error/type").asText());
            assertEquals("model_busy", TestServer.json(r).at("/error/code").asText());
            assertTrue(Files.exists(s.modelsDir.resolve("tiny-asr/config.json")));
        } finally {
            s.asr.hold.countDown();
        }
        assertEquals(200, running.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode());
    }

    @Test
    void pathTraversalTouchesNothing() throws Exception {
        Path victim = tmp.resolve("victim");
        TestServer.writeModel(victim, "minicpm_sala", false);
        Files.createSymbolicLink(s.modelsDir.resolve("escape"), victim);
        // The hub cache is never deleted through the API.
        for (String id : new String[] {"..", "%2e%2e", "..%2Fvictim", "%2E%2E%2F%2E%2E%2Fvictim", "escape", ".hidden",
                "a%5Cb", "mlx-community%2FCached-ASR-8bit", "%00"}) {
            HttpResponse<String> r = s.delete("/v1/models/" + id);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, id + " -> " + r.statusCode() + " " + r.body());
            assertTrue(r.body().contains("\"error\""), r.body());
        }
        // Raw request paths that a client library would normalise away.
        for (String raw : new String[] {"/v1/models/../../victim", "/v1/models/..\\victim"}) {
            String status = rawRequest("DELETE " + raw + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(status.startsWith("HTTP/1.1 4"), raw + " -> " + status);
        }
        assertTrue(Files.exists(victim.resolve("config.json")));
        assertTrue(Files.isSymbolicLink(s.modelsDir.resolve("escape")));
        assertTrue(Files.exists(hubSnapshot.resolve("config.json")));
        assertEquals(200, s.get("/health").statusCode());
    }

    static String rawRequest(String request) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
            sock.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            byte[] buf = sock.getInputStream().readNBytes(12);
            return new String(buf, StandardCharsets.ISO_8859_1);
        }
    }
}
