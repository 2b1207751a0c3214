package ai.ominix.server;

import ai.ominix.server.support.LocalHub;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/models/download} against a local hub: redirects, resume, verification, auth, cancel. */
class ModelDownloadTest {
    @TempDir
    static Path tmp;
    static LocalHub hub;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        hub = new LocalHub(tmp.resolve("hub"));
        Path hf = Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(hf.resolve("token"), "hf_secret\n"); // the token file the HF CLI writes
        s = TestServer.builder(tmp.resolve("srv")).env("HF_ENDPOINT", hub.endpoint()).env("HF_HOME", hf.toString()).start();
        s.awaitReady();
    }

    @AfterAll
    static void stop() {
        s.close();
        hub.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A sharded MLX-style repo plus files that must not be downloaded. */
    static Path shardedRepo(String repoId) throws Exception {
        Path r = hub.repo(repoId);
        Files.writeString(r.resolve("config.json"), "{\"model_type\": \"qwen3_asr\", \"quantization\": {\"group_size\": 64, \"bits\": 4}}");
        Files.writeString(r.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.writeString(r.resolve("tokenizer_config.json"), "{}");
        Files.writeString(r.resolve("vocab.json"), "{}");
        Files.writeString(r.resolve("merges.txt"), "#version: 0.2\n");
        Files.writeString(r.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        Files.write(r.resolve("model-00001-of-00002.safetensors"), random(700_001, 1));
        Files.write(r.resolve("model-00002-of-00002.safetensors"), random(300_007, 2));
        Files.writeString(r.resolve("README.md"), "# not needed");
        Files.write(r.resolve("unused.safetensors"), random(10, 3)); // not in the index
        Files.createDirectories(r.resolve("docs"));
        Files.writeString(r.resolve("docs/x.json"), "{}");
        return r;
    }

    static JsonNode awaitDownload(String id) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode j = TestServer.json(s.get("/v1/models/download/" + id));
            if (!j.path("status").asText().equals("downloading")) return j;
            Thread.sleep(20);
        }
        throw new AssertionError("download of " + id + " did not finish");
    }

    static void assertNoPartialLeft() throws Exception {
        try (Stream<Path> st = Files.list(s.modelsDir)) {
            assertEquals(List.of(), st.filter(p -> p.getFileName().toString().startsWith(".")).toList());
        }
    }

    @Test
    void shardedRepoWithRedirectAndMidFileDisconnectIsResumedAndVerified() throws Exception {
        Path repo = shardedRepo("mlx-community/Tiny-ASR-4bit");
        hub.dropOnce.add("model-00001-of-00002.safetensors");
        HttpResponse<String> r = s.postJson("/v1/models/download", "{\"repo_id\": \"mlx-community/Tiny-ASR-4bit\"}");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode started = TestServer.json(r);
        assertEquals("downloading", started.path("status").asText());
        assertEquals("Tiny-ASR-4bit", started.path("id").asText());
        assertEquals("mlx-community/Tiny-ASR-4bit", started.path("repo_id").asText());

        JsonNode done = awaitDownload("Tiny-ASR-4bit");
        assertEquals("completed", done.path("status").asText(), done.toString());
        assertEquals(done.at("/progress/bytes_total").asLong(), done.at("/progress/bytes_done").asLong());
        assertEquals(8, done.at("/progress/files_total").asInt());

        Path dir = s.modelsDir.resolve("Tiny-ASR-4bit");
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt",
                "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            assertArrayEquals(Files.readAllBytes(repo.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        for (String f : List.of("README.md", "unused.safetensors", "docs")) assertFalse(Files.exists(dir.resolve(f)), f);
        assertNoPartialLeft();

        // The disconnect was resumed with a Range request; the token went to the hub, never to the CDN.
        assertTrue(hub.log.stream().anyMatch(l -> l.startsWith("cdn GET /blobs/mlx-community/Tiny-ASR-4bit/model-00001")
                && l.contains("range=bytes=")), hub.log.toString());
        assertTrue(hub.log.stream().filter(l -> l.startsWith("cdn")).allMatch(l -> l.contains("auth=null")), hub.log.toString());
        assertTrue(hub.log.stream().filter(l -> l.startsWith("hub")).allMatch(l -> l.contains("auth=Bearer hf_secret")));

        JsonNode model = find(TestServer.json(s.get("/v1/models")), "Tiny-ASR-4bit");
        assertEquals("model", model.path("object").asText());
        assertEquals("mlx-community", model.path("owned_by").asText());
        assertEquals("mlx-community/Tiny-ASR-4bit", model.path("repo_id").asText());
        assertEquals(dir.toString(), model.path("path").asText());
        assertEquals(4, model.at("/quantization/bits").asInt());
        assertEquals(64, model.at("/quantization/group_size").asInt());
        assertEquals(700_001 + 300_007, model.path("size_bytes").asLong());
        assertTrue(Math.abs(model.path("downloaded_at").asLong() - System.currentTimeMillis() / 1000) < 60);
        assertFalse(model.path("loaded").asBoolean());

        // Metadata survives in $OMINIX_HOME/config.json; a second download of it conflicts.
        assertTrue(Files.readString(s.home.resolve("config.json")).contains("mlx-community/Tiny-ASR-4bit"));
        r = s.postJson("/v1/models/download", "{\"repo_id\": \"mlx-community/Tiny-ASR-4bit\"}");
        assertEquals(409, r.statusCode());
        assertEquals("conflict", TestServer.json(r).at("/error/type").asText());
    }

    static JsonNode find(JsonNode list, String id) {
        for (JsonNode m : list.path("data")) if (m.path("id").asText().equals(id)) return m;
        throw new AssertionError(id + " not in " + list);
    }

    @Test
    void aStalledConnectionIsAbandonedAndResumed() throws Exception {
        Path r = hub.repo("acme/Stally");
        Files.writeString(r.resolve("config.json"), "{\"model_type\": \"minicpm_sala\"}");
        byte[] w = random(400_000, 8);
        Files.write(r.resolve("model.safetensors"), w);
        hub.stallOnce.add("model.safetensors");
        long t0 = System.nanoTime();
        s.postJson("/v1/models/download", "{\"repo_id\": \"acme/Stally\"}");
        JsonNode j = awaitDownload("Stally");
        assertEquals("completed", j.path("status").asText(), j.toString());
        assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "gave up on the silent connection quickly");
        assertArrayEquals(w, Files.readAllBytes(s.modelsDir.resolve("Stally/model.safetensors")));
        assertTrue(hub.log.stream().anyMatch(l -> l.contains("acme/Stally/model.safetensors") && l.contains("range=bytes=200000-")),
                hub.log.toString());
    }

    @Test
    void wrongSha256FailsCleanly() throws Exception {
        Path r = hub.repo("acme/Corrupt");
        Files.writeString(r.resolve("config.json"), "{\"model_type\": \"minicpm_sala\"}");
        Files.write(r.resolve("model.safetensors"), random(200_000, 4));
        hub.wrongSha.add("model.safetensors");
        assertEquals(202, s.postJson("/v1/models/download", "{\"repo_id\": \"acme/Corrupt\"}").statusCode());
        JsonNode j = awaitDownload("Corrupt");
        assertEquals("download_failed", j.path("status").asText());
        assertTrue(j.path("error").asText().contains("sha256 mismatch"), j.toString());
        assertFalse(Files.exists(s.modelsDir.resolve("Corrupt")));
        assertNoPartialLeft();
        JsonNode listed = find(TestServer.json(s.get("/v1/models")), "Corrupt");
        assertEquals("download_failed", listed.path("status").asText());
    }

    @Test
    void gatedRepoNeedsTheToken() throws Exception {
        Path r = hub.repo("gated/Secret");
        Files.writeString(r.resolve("config.json"), "{\"model_type\": \"minicpm_sala\"}");
        Files.write(r.resolve("model.safetensors"), random(1000, 5));
        hub.gated.add("gated/Secret");
        hub.token = "another-token";
        try {
            s.postJson("/v1/models/download", "{\"repo_id\": \"gated/Secret\"}");
            JsonNode j = awaitDownload("Secret");
            assertEquals("download_failed", j.path("status").asText());
            assertTrue(j.path("error").asText().contains("401"), j.toString());
            assertTrue(j.path("error").asText().contains("HF_TOKEN"), j.toString());
            assertNoPartialLeft();
        } finally {
            hub.token = "hf_secret";
        }
        s.postJson("/v1/models/download", "{\"repo_id\": \"gated/Secret\"}");
        assertEquals("completed", awaitDownload("Secret").path("status").asText());
    }

    @Test
    void duplicateWhileRunningIs409AndCancelRemovesEverything() throws Exception {
        Path r = hub.repo("slow/Big");
        Files.writeString(r.resolve("config.json"), "{\"model_type\": \"minicpm_sala\"}");
        Files.write(r.resolve("model.safetensors"), random(4 << 20, 6));
        hub.slowMs = 30;
        try {
            assertEquals(202, s.postJson("/v1/models/download", "{\"repo_id\": \"slow/Big\"}").statusCode());
            HttpResponse<String> again = s.postJson("/v1/models/download", "{\"repo_id\": \"slow/Big\"}");
            assertEquals(409, again.statusCode());
            assertEquals("download_in_progress", TestServer.json(again).at("/error/code").asText());
            // Progress is visible in the model list while it runs.
            JsonNode listed = null;
            for (int i = 0; i < 200; i++) {
                listed = find(TestServer.json(s.get("/v1/models")), "Big");
                if (listed.at("/progress/bytes_done").asLong() > 0) break;
                Thread.sleep(20);
            }
            assertEquals("downloading", listed.path("status").asText());
            assertEquals((4 << 20) + Files.size(r.resolve("config.json")), listed.at("/progress/bytes_total").asLong());
            assertTrue(listed.at("/progress/bytes_done").asLong() > 0);
            // Deleting a model that is still downloading is refused.
            assertEquals(409, s.delete("/v1/models/Big").statusCode());

            HttpResponse<String> c = s.delete("/v1/models/download/Big");
            assertEquals(200, c.statusCode(), c.body());
            assertEquals("cancelled", awaitDownload("Big").path("status").asText());
            assertFalse(Files.exists(s.modelsDir.resolve("Big")));
            assertNoPartialLeft();
            assertEquals(404, s.delete("/v1/models/download/Big").statusCode());
        } finally {
            hub.slowMs = 0;
        }
    }

    @Test
    void serveWithARepoIdPullsItFirst() throws Exception {
        Path r = hub.repo("mlx-community/Pulled-ASR");
        Files.writeString(r.resolve("config.json"), "{\"model_type\": \"qwen3_asr\"}");
        Files.write(r.resolve("model.safetensors"), random(50_000, 7));
        try (TestServer t = TestServer.builder(tmp.resolve("pull-on-serve")).models(false, false)
                .asrSpec("mlx-community/Pulled-ASR").env("HF_ENDPOINT", hub.endpoint()).env("HF_TOKEN", "hf_secret").start()) {
            t.awaitReady();
            JsonNode h = TestServer.json(t.get("/health"));
            assertEquals("ok", h.path("status").asText(), h.toString());
            assertEquals("Pulled-ASR", h.at("/defaults/asr/id").asText());
            assertEquals("mlx-community/Pulled-ASR", t.healthOf("Pulled-ASR").path("repo_id").asText(), h.toString());
            assertTrue(Files.isRegularFile(t.modelsDir.resolve("Pulled-ASR/model.safetensors")));
        }
    }

    @Test
    void badDownloadRequests() throws Exception {
        String[][] cases = {
                {"{}", "400", "missing_parameter"},
                {"{\"repo_id\": \"no-slash\"}", "400", "invalid_repo_id"},
                {"{\"repo_id\": \"../etc/passwd\"}", "400", "invalid_repo_id"},
                {"{\"repo_id\": \"a/b/c\"}", "400", "invalid_repo_id"},
                {"{\"repo_id\": \"owner/..\"}", "400", "invalid_repo_id"},
                {"{\"repo_id\": 5}", "400", "invalid_parameter"},
                {"{\"repo_id\": \"tiny/tiny-chat\"}", "409", "model_exists"},
                {"nope", "400", "invalid_json"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = s.postJson("/v1/models/download", c[0]);
            assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0] + " -> " + r.body());
            assertEquals(c[2], TestServer.json(r).at("/error/code").asText(), r.body());
        }
        assertEquals(404, s.get("/v1/models/download/nothing").statusCode());
        // A repo the hub does not have fails visibly.
        s.postJson("/v1/models/download", "{\"repo_id\": \"ghost/Missing\"}");
        JsonNode j = awaitDownload("Missing");
        assertEquals("download_failed", j.path("status").asText());
        assertTrue(j.path("error").asText().contains("not found"), j.toString());
        assertNoPartialLeft();
    }
}
