package ai.ominix.server;

import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/audio/transcriptions}: both request forms, every response format, streaming, errors. */
class TranscriptionApiTest {
    @TempDir
    static Path tmp;
    static TestServer s;
    static Path allowed;

    @BeforeAll
    static void start() throws Exception {
        allowed = Files.createDirectories(tmp.resolve("audio"));
        s = TestServer.builder(tmp).allowFilePaths(List.of(allowed)).uploadMb(1).start();
        s.awaitReady();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @AfterEach
    void noTempFilesRemain() throws Exception {
        assertEquals(List.of(), s.leftoverUploads());
    }

    static HttpResponse<String> upload(TestAudio.Multipart form) throws Exception {
        return s.post("/v1/audio/transcriptions", form.contentType(), form.body());
    }

    static TestAudio.Multipart wavForm(double seconds) {
        return new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(seconds)).field("model", "qwen3-asr");
    }

    @Test
    void multipartJsonIsTheDefault() throws Exception {
        HttpResponse<String> r = upload(wavForm(2.5).field("language", "en"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("second 1 in English second 2 second 3", TestServer.json(r).path("text").asText());
        assertEquals(1, TestServer.json(r).size());
        assertFalse(s.asr.lastThread.isVirtual());
    }

    @Test
    void everyResponseFormat() throws Exception {
        HttpResponse<String> text = upload(wavForm(1.5).field("response_format", "text"));
        assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals("second 1 second 2\n", text.body());

        JsonNode v = TestServer.json(upload(wavForm(1.5).field("response_format", "verbose_json").field("language", "Chinese")));
        assertEquals("transcribe", v.path("task").asText());
        assertEquals("Chinese", v.path("language").asText());
        assertEquals(1.5, v.path("duration").asDouble(), 1e-9);
        assertEquals(2, v.path("segments").size());
        JsonNode seg = v.path("segments").get(1);
        assertEquals(1, seg.path("id").asInt());
        assertEquals(1.0, seg.path("start").asDouble());
        assertEquals(1.5, seg.path("end").asDouble());
        assertEquals(" second 2", seg.path("text").asText());

        assertEquals("""
                1
                00:00:00,000 --> 00:00:01,000
                second 1

                2
                00:00:01,000 --> 00:00:01,500
                second 2

                """, upload(wavForm(1.5).field("response_format", "srt")).body());
        HttpResponse<String> vtt = upload(wavForm(1.5).field("response_format", "vtt"));
        assertTrue(vtt.headers().firstValue("Content-Type").orElse("").startsWith("text/vtt"));
        assertEquals("""
                WEBVTT

                00:00:00.000 --> 00:00:01.000
                second 1

                00:00:01.000 --> 00:00:01.500
                second 2

                """, vtt.body());
    }

    @Test
    void promptReachesTheEngine() throws Exception {
        assertEquals("second 1 after Ominix", TestServer.json(upload(wavForm(0.5).field("prompt", "Ominix"))).path("text").asText());
    }

    @Test
    void jsonWithFilePathInsideTheAllowedDirectory() throws Exception {
        Path wav = TestAudio.writeWav(allowed.resolve("clip.wav"), 2);
        HttpResponse<String> r = s.postJson("/v1/audio/transcriptions",
                "{\"file_path\": \"" + wav + "\", \"language\": \"English\", \"response_format\": \"text\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("second 1 in English second 2\n", r.body());
        assertTrue(Files.exists(wav), "the user's file is never deleted");
    }

    @Test
    void filePathOutsideAllowedDirectoriesIsRefusedWithoutLeakingContent() throws Exception {
        Path outside = TestAudio.writeWav(tmp.resolve("secret.wav"), 1);
        Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        Path link = allowed.resolve("link.wav");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, outside);
        String[] paths = {outside.toString(), allowed + "/../secret.wav", link.toString(), tmp.resolve("secret.txt").toString(),
                "/etc/passwd", "relative/clip.wav", allowed.resolve("missing.wav").toString(), allowed.toString()};
        String[] codes = {"file_path_not_allowed", "file_path_not_allowed", "file_path_not_allowed", "file_path_not_allowed",
                "file_path_not_allowed", "invalid_parameter", "file_not_found", "file_not_found"};
        for (int i = 0; i < paths.length; i++) {
            HttpResponse<String> r = s.postJson("/v1/audio/transcriptions", "{\"file_path\": \"" + paths[i] + "\"}");
            assertEquals(400, r.statusCode(), paths[i]);
            assertEquals(codes[i], TestServer.json(r).at("/error/code").asText(), paths[i] + ": " + r.body());
            assertFalse(r.body().contains("TOP-SECRET") || r.body().contains("root:"), r.body());
        }
        // A text file inside the allowed folder is decoded, fails as audio, and its bytes are not echoed.
        Files.writeString(allowed.resolve("notes.wav"), "TOP-SECRET-CONTENT");
        HttpResponse<String> r = s.postJson("/v1/audio/transcriptions", "{\"file_path\": \"" + allowed.resolve("notes.wav") + "\"}");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_audio_format", TestServer.json(r).at("/error/code").asText());
        assertFalse(r.body().contains("TOP-SECRET"));
    }

    @Test
    void requestFormErrors() throws Exception {
        Path ok = TestAudio.writeWav(allowed.resolve("ok.wav"), 0.5);
        record Case(HttpResponse<String> res, int status, String code, String param) {}
        List<Case> cases = List.of(
                new Case(upload(new TestAudio.Multipart().field("model", "qwen3-asr")), 400, "missing_parameter", "file"),
                new Case(upload(wavForm(0.5).field("file_path", "/etc/passwd")), 400, "invalid_parameter", "file_path"),
                new Case(upload(wavForm(0.5).field("language", "Klingon")), 400, "invalid_language", "language"),
                new Case(upload(wavForm(0.5).field("response_format", "docx")), 400, "invalid_parameter", "response_format"),
                new Case(upload(wavForm(0.5).field("temperature", "9")), 400, "invalid_parameter", "temperature"),
                new Case(upload(wavForm(0.5).field("stream", "perhaps")), 400, "invalid_parameter", "stream"),
                new Case(upload(wavForm(0.5).field("prompt", "p".repeat(70_000))), 400, "invalid_parameter", "prompt"),
                new Case(upload(new TestAudio.Multipart().file("file", "a.mp3", "audio/mpeg", "not audio at all".getBytes())),
                        400, "invalid_audio_format", "file"),
                new Case(upload(wavForm(0.5).field("model", "whisper-large")), 404, "model_not_found", null),
                new Case(s.postJson("/v1/audio/transcriptions", "{\"file\": \"x\"}"), 400, "invalid_parameter", "file"),
                new Case(s.postJson("/v1/audio/transcriptions", "{\"language\": \"en\"}"), 400, "missing_parameter", "file_path"),
                new Case(s.postJson("/v1/audio/transcriptions", "{\"file_path\": 12}"), 400, "invalid_parameter", "file_path"),
                new Case(s.postJson("/v1/audio/transcriptions", "{oops"), 400, "invalid_json", null),
                new Case(s.post("/v1/audio/transcriptions", "audio/wav", TestAudio.wav(0.5)), 400, "unsupported_content_type", null),
                new Case(s.post("/v1/audio/transcriptions", "multipart/form-data; boundary=zzz", "garbage".getBytes()),
                        400, "invalid_multipart", null),
                new Case(upload(manyFields(wavForm(0.5), 70)), 400, "invalid_multipart", null),
                // Output this server does not produce is refused, not silently dropped.
                new Case(upload(wavForm(0.5).field("timestamp_granularities[]", "segment")
                        .field("timestamp_granularities[]", "word")), 400, "unsupported_parameter", "timestamp_granularities"),
                new Case(s.postJson("/v1/audio/transcriptions", "{\"file_path\": \"" + ok + "\", \"timestamp_granularities\": [\"word\"]}"),
                        400, "unsupported_parameter", "timestamp_granularities"),
                new Case(upload(wavForm(0.5).field("include[]", "logprobs")), 400, "unsupported_parameter", "include"));
        for (Case c : cases) {
            assertEquals(c.status(), c.res().statusCode(), c.res().body());
            JsonNode e = TestServer.json(c.res()).path("error");
            assertEquals(c.code(), e.path("code").asText(), c.res().body());
            if (c.param() != null) assertEquals(c.param(), e.path("param").asText(), c.res().body());
        }
    }

    static TestAudio.Multipart manyFields(TestAudio.Multipart form, int n) {
        for (int i = 0; i < n; i++) form.field("x" + i, "y");
        return form;
    }

    @Test
    void segmentTimestampsAreWhatVerboseJsonHas() throws Exception {
        HttpResponse<String> r = upload(wavForm(1.5).field("response_format", "verbose_json")
                .field("timestamp_granularities[]", "segment"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2, TestServer.json(r).path("segments").size());
    }

    @Test
    void anEngineFailureIs500InferenceFailed() throws Exception {
        s.asr.failWith = new IllegalStateException("decoder fell over");
        try {
            HttpResponse<String> r = upload(wavForm(0.5));
            assertEquals(500, r.statusCode(), r.body());
            assertEquals("server_error", TestServer.json(r).at("/error/type").asText());
            assertEquals("inference_failed", TestServer.json(r).at("/error/code").asText());
            assertFalse(r.body().contains("at ai.ominix"), r.body());
        } finally {
            s.asr.failWith = null;
        }
        assertEquals(200, upload(wavForm(0.5)).statusCode());
    }

    @Test
    void uploadOverTheLimitIs413AndLeavesNoFile() throws Exception {
        HttpResponse<String> r = upload(wavForm(40)); // 1.28 MB > 1 MiB
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("invalid_request_error", TestServer.json(r).at("/error/type").asText());
        assertEquals("file_too_large", TestServer.json(r).at("/error/code").asText());
        // Far over the limit: rejected from Content-Length before the body is sent (curl, like this
        // client, asks with "Expect: 100-continue" for large bodies).
        r = s.http.send(java.net.http.HttpRequest.newBuilder(s.uri("/v1/audio/transcriptions")).expectContinue(true)
                .header("Content-Type", wavForm(0).contentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[3 << 20])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("file_too_large", TestServer.json(r).at("/error/code").asText());
        assertEquals(200, s.get("/health").statusCode());
    }

    @Test
    void slowStreamsCarryHeartbeatsThatClientsIgnore() throws Exception {
        s.asr.delayPerSegmentMs = 700;
        try {
            HttpResponse<String> r = upload(wavForm(2).field("stream", "true"));
            assertEquals(200, r.statusCode());
            assertTrue(r.body().lines().anyMatch(l -> l.startsWith(":")), "a comment line: " + r.body());
            List<String> data = ChatApiTest.sseData(r.body());
            assertEquals("second 1 second 2", TestServer.JSON.readTree(data.getLast()).path("text").asText());
        } finally {
            s.asr.delayPerSegmentMs = 0;
        }
    }

    @Test
    void streamingSendsDeltasThenDone() throws Exception {
        HttpResponse<String> r = upload(wavForm(2.2).field("stream", "true"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> data = ChatApiTest.sseData(r.body());
        assertEquals(4, data.size());
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, 3)) {
            JsonNode e = TestServer.JSON.readTree(d);
            assertEquals("transcript.text.delta", e.path("type").asText());
            text.append(e.path("delta").asText());
        }
        JsonNode done = TestServer.JSON.readTree(data.get(3));
        assertEquals("transcript.text.done", done.path("type").asText());
        assertEquals("second 1 second 2 second 3", done.path("text").asText());
        assertEquals(done.path("text").asText(), text.toString());
    }

    /** Segments that do not start with a space (CJK, or upstream's chunks) are streamed as they are. */
    @Test
    void streamedDeltasAddUpToTheFinalText() throws Exception {
        s.asr.script = List.of("Hello", "world.", "你好", "。");
        try {
            List<String> data = ChatApiTest.sseData(upload(wavForm(4).field("stream", "true")).body());
            List<String> deltas = new ArrayList<>();
            for (String d : data.subList(0, data.size() - 1)) deltas.add(TestServer.JSON.readTree(d).path("delta").asText());
            assertEquals(List.of("Hello", "world.", "你好", "。"), deltas);
            assertEquals("Helloworld.你好。", TestServer.JSON.readTree(data.getLast()).path("text").asText());
        } finally {
            s.asr.script = null;
        }
    }
}
