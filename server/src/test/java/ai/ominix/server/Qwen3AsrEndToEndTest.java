package ai.ominix.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.AsrEngine.Segment;
import ai.ominix.engine.AsrEngine.Transcript;
import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.qwen3asr.Qwen3Asr;
import ai.ominix.models.qwen3asr.Qwen3AsrEngine;
import ai.ominix.models.qwen3asr.TestClips;
import ai.ominix.models.qwen3asr.TinyQwen3Asr;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.support.TestAudio;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Qwen3-ASR engine behind the real HTTP server, on a tiny random-weight checkpoint in the
 * mlx-community layout (CPU backend). Every answer is compared with the same model run in-process,
 * whose numerics are checked against the PyTorch reference in the models module. One server uses
 * the production loader registry ({@link EngineLoaders#standard()}); a second one loads the same
 * engine with 8-second long-audio chunks so that multi-segment transcripts stay cheap.
 */
class Qwen3AsrEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double CHUNK_SECONDS = 8.0;

    @TempDir
    static Path tmp;
    static Path audioDir;
    static OminixServer standard;
    static OminixServer chunked;
    static Backend backend;
    static Qwen3Asr local;
    static Qwen3Asr localChunked;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        audioDir = Files.createDirectories(tmp.resolve("audio"));
        Files.write(audioDir.resolve("short.wav"), TestClips.wav(TestClips.Clip.SHORT));
        Files.write(audioDir.resolve("multi.wav"), TestClips.wav(TestClips.Clip.MULTI));
        standard = start("std", EngineLoaders.standard());
        chunked = start("chunked", EngineLoaders.builder().asr(Qwen3AsrEngine.MODEL_TYPE, (dir, b) ->
                new Qwen3AsrEngine(Qwen3Asr.load(dir, b, new Qwen3Asr.Settings(CHUNK_SECONDS)))).build());
        Path model = tmp.resolve("std").resolve("home").resolve("models").resolve("tiny-qwen3-asr");
        backend = Backends.open("cpu", 2);
        local = Qwen3Asr.load(model, backend, Qwen3Asr.Settings.defaults());
        localChunked = Qwen3Asr.load(model, backend, new Qwen3Asr.Settings(CHUNK_SECONDS));
    }

    private static OminixServer start(String name, EngineLoaders loaders) throws Exception {
        Path root = tmp.resolve(name);
        Path home = root.resolve("home");
        TinyQwen3Asr.write(home.resolve("models").resolve("tiny-qwen3-asr"), TinyQwen3Asr.Variant.Q8);
        Path user = Files.createDirectories(root.resolve("user"));
        OminixEnv env = new OminixEnv(Map.of("OMINIX_HOME", home.toString(), "HF_HOME", root.resolve("hf").toString(),
                "HF_ENDPOINT", "http://127.0.0.1:9"), user);
        ServerOptions opt = ServerOptions.defaults(env).withPort(0).withModels("tiny-qwen3-asr", null)
                .withLimits(64, 8).withAllowFilePaths(List.of(audioDir));
        OminixServer s = OminixServer.start(opt, env,
                new OminixServer.Parts(loaders, kind -> Backends.open(kind, 2), StandardParts.audio()), null);
        s.registry().awaitLoaded();
        return s;
    }

    @AfterAll
    static void stop() {
        standard.close();
        chunked.close();
        local.close();
        localChunked.close();
        backend.close();
    }

    private static Transcript expected(Qwen3Asr model, TestClips.Clip clip, String language) {
        return model.transcribe(TestClips.samples(clip), language, null, Cancellation.none(), null);
    }

    private static HttpResponse<String> post(OminixServer s, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/audio/transcriptions"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> upload(OminixServer s, TestClips.Clip clip, String... fields) throws Exception {
        TestAudio.Multipart form = new TestAudio.Multipart()
                .file("file", clip.fileName(), "audio/wav", TestClips.wav(clip)).field("model", "qwen3-asr");
        for (int i = 0; i < fields.length; i += 2) form.field(fields[i], fields[i + 1]);
        return post(s, form.contentType(), form.body());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void multipartAndFilePathGiveTheModelsTranscript() throws Exception {
        Transcript want = expected(local, TestClips.Clip.SHORT, null);
        assertEquals(want.text(), json(upload(standard, TestClips.Clip.SHORT)).path("text").asText());
        String body = "{\"file_path\": " + JSON.writeValueAsString(audioDir.resolve("short.wav").toString()) + "}";
        assertEquals(want.text(), json(post(standard, "application/json", body.getBytes(StandardCharsets.UTF_8)))
                .path("text").asText());
    }

    @Test
    void everyResponseFormatOnALongInput() throws Exception {
        Transcript want = expected(localChunked, TestClips.Clip.MULTI, "English");
        assertTrue(want.segments().size() >= 2, "the long clip spans several chunks");

        assertEquals(want.text(), json(upload(chunked, TestClips.Clip.MULTI, "language", "en")).path("text").asText());

        HttpResponse<String> text = upload(chunked, TestClips.Clip.MULTI, "language", "en", "response_format", "text");
        assertEquals(200, text.statusCode());
        assertEquals(want.text() + "\n", text.body());

        JsonNode v = json(upload(chunked, TestClips.Clip.MULTI, "language", "en", "response_format", "verbose_json"));
        assertEquals("transcribe", v.path("task").asText());
        assertEquals("English", v.path("language").asText());
        assertEquals(TestClips.Clip.MULTI.samples / 16000.0, v.path("duration").asDouble(), 1e-9);
        assertEquals(want.text(), v.path("text").asText());
        assertEquals(want.segments().size(), v.path("segments").size());
        for (int i = 0; i < want.segments().size(); i++) {
            Segment s = want.segments().get(i);
            JsonNode js = v.path("segments").get(i);
            assertEquals(s.id(), js.path("id").asInt());
            assertEquals(s.start(), js.path("start").asDouble(), 1e-9);
            assertEquals(s.end(), js.path("end").asDouble(), 1e-9);
            assertEquals(s.text(), js.path("text").asText());
        }

        for (String format : List.of("srt", "vtt")) {
            HttpResponse<String> r = upload(chunked, TestClips.Clip.MULTI, "language", "en", "response_format", format);
            assertEquals(200, r.statusCode(), r.body());
            List<String> cueTimes = r.body().lines().filter(l -> l.contains(" --> ")).toList();
            assertEquals(want.segments().size(), cueTimes.size(), r.body());
            for (int i = 0; i < cueTimes.size(); i++) {
                String[] se = cueTimes.get(i).split(" --> ");
                assertEquals(want.segments().get(i).start(), seconds(se[0]), 1e-3);
                assertEquals(want.segments().get(i).end(), seconds(se[1]), 1e-3);
            }
            if (format.equals("vtt")) assertTrue(r.body().startsWith("WEBVTT"));
        }
    }

    /** {@code HH:MM:SS,mmm} or {@code HH:MM:SS.mmm} in seconds. */
    private static double seconds(String t) {
        String[] p = t.strip().replace(',', '.').split(":");
        return Integer.parseInt(p[0]) * 3600 + Integer.parseInt(p[1]) * 60 + Double.parseDouble(p[2]);
    }

    @Test
    void streamingRelaysEachChunkThenTheWholeText() throws Exception {
        Transcript want = expected(localChunked, TestClips.Clip.MULTI, null);
        HttpResponse<String> r = upload(chunked, TestClips.Clip.MULTI, "stream", "true");
        assertEquals(200, r.statusCode(), r.body());
        List<String> data = ChatApiTest.sseData(r.body());
        assertEquals(want.segments().size() + 1, data.size(), r.body());
        JsonNode done = JSON.readTree(data.getLast());
        assertEquals("transcript.text.done", done.path("type").asText());
        assertEquals(want.text(), done.path("text").asText());
        assertTrue(want.segments().size() > 1, "the clip is cut into several chunks");
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < data.size() - 1; i++) {
            JsonNode delta = JSON.readTree(data.get(i));
            assertEquals("transcript.text.delta", delta.path("type").asText());
            assertEquals(want.segments().get(i).text(), delta.path("delta").asText());
            streamed.append(delta.path("delta").asText());
        }
        assertEquals(want.text(), streamed.toString(), "the deltas add up to the final text");
    }

    @Test
    void ominixTranscribeRunsTheModelFromTheCommandLine() throws Exception {
        Path model = tmp.resolve("std").resolve("home").resolve("models").resolve("tiny-qwen3-asr");
        CliTest.Run r = CliTest.inProcess("transcribe", "--model", model.toString(), "--backend", "cpu",
                "--language", "en", "--format", "verbose_json", audioDir.resolve("short.wav").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode v = JSON.readTree(r.out());
        Transcript want = expected(local, TestClips.Clip.SHORT, "English");
        assertEquals(want.text(), v.path("text").asText());
        assertEquals("English", v.path("language").asText());
        assertEquals(want.segments().size(), v.path("segments").size());
    }

    @Test
    void badAudioAndUnknownLanguageAreClientErrors() throws Exception {
        byte[] noise = new byte[4000];
        new Random(3).nextBytes(noise);
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "x.wav", "audio/wav", noise);
        HttpResponse<String> bad = post(standard, form.contentType(), form.body());
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("invalid_audio_format", JSON.readTree(bad.body()).at("/error/code").asText());

        HttpResponse<String> lang = upload(standard, TestClips.Clip.SHORT, "language", "Klingon");
        assertEquals(400, lang.statusCode(), lang.body());
        assertEquals("invalid_language", JSON.readTree(lang.body()).at("/error/code").asText());
        assertEquals("language", JSON.readTree(lang.body()).at("/error/param").asText());
    }

    @Test
    void eightConcurrentRequestsAllGetTheirTranscript() throws Exception {
        String want = expected(local, TestClips.Clip.SHORT, "Chinese").text();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) calls.add(pool.submit(() -> upload(standard, TestClips.Clip.SHORT, "language", "zh")));
            for (Future<HttpResponse<String>> f : calls) assertEquals(want, json(f.get()).path("text").asText());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void clientsThatDisconnectMidRequestDoNotHurtTheServer() throws Exception {
        TestAudio.Multipart form = new TestAudio.Multipart()
                .file("file", "multi.wav", "audio/wav", TestClips.wav(TestClips.Clip.MULTI)).field("stream", "true");
        byte[] body = form.body();
        String head = "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + form.contentType()
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        // 1. gone halfway through the upload
        try (Socket s = new Socket("127.0.0.1", chunked.port())) {
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
        }
        // 2. gone after the first streamed chunk
        try (Socket s = new Socket("127.0.0.1", chunked.port())) {
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("transcript.text.delta")) {
                int c = in.read();
                if (c < 0) break;
                seen.append((char) c);
            }
            assertTrue(seen.toString().startsWith("HTTP/1.1 200"), seen.toString());
        }
        // the server still answers correctly and keeps no uploads
        assertEquals(expected(localChunked, TestClips.Clip.SHORT, null).text(),
                json(upload(chunked, TestClips.Clip.SHORT)).path("text").asText());
        try (Stream<Path> left = Files.list(chunked.uploads().dir())) {
            assertEquals(List.of(), left.toList());
        }
    }
}
