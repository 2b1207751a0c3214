package ai.ominix.server;

import ai.ominix.server.support.RawHttp;
import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The headers and framings real clients send, on every route: {@code Accept} as the OpenAI SDKs
 * send it (application/json on streaming calls too), q-values, {@code Content-Type} parameters,
 * quoted multipart boundaries, chunked request bodies, {@code Expect: 100-continue}, HTTP/1.0,
 * and a connection reused after an error.
 */
class HttpVariantsTest {
    static final String CHAT_STREAM = "{\"messages\": [{\"role\": \"user\", \"content\": \"one two three\"}], \"stream\": true}";
    static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"one two three\"}]}";

    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.builder(tmp).uploadMb(8).start();
        s.awaitReady();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static HttpResponse<String> post(String path, String contentType, byte[] body, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType);
        if (accept != null) b.header("Accept", accept);
        return s.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chatText(List<String> events) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String e : events) {
            if (e.equals("[DONE]")) continue;
            JsonNode chunk = TestServer.JSON.readTree(e);
            for (JsonNode c : chunk.path("choices")) text.append(c.path("delta").path("content").asText(""));
        }
        return text.toString();
    }

    static void assertChatStream(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), r.headers().toString());
        List<String> events = ChatApiTest.sseData(r.body());
        assertEquals("[DONE]", events.getLast(), r.body());
        assertEquals("one two three", chatText(events));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "*/*", "text/event-stream", "application/json, text/plain, */*",
            "application/json;q=0.9, text/event-stream;q=0.1", "text/html,application/xhtml+xml,*/*;q=0.8",
            "application/*", "TEXT/EVENT-STREAM", "not a media type", ""})
    void streamingChatAnswersAnEventStreamWhateverTheAcceptHeaderPrefers(String accept) throws Exception {
        assertChatStream(post("/v1/chat/completions", "application/json", CHAT_STREAM.getBytes(), accept.isEmpty() ? null : accept));
    }

    @Test
    void streamingChatWithoutAnyAcceptHeader() throws Exception {
        // java.net.http sends no Accept header of its own: this is the header-less request.
        assertChatStream(post("/v1/chat/completions", "application/json", CHAT_STREAM.getBytes(), null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "*/*", "text/plain"})
    void streamingTranscriptionAnswersAnEventStream(String accept) throws Exception {
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(2.5))
                .field("stream", "true");
        HttpResponse<String> r = post("/v1/audio/transcriptions", form.contentType(), form.body(), accept);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = ChatApiTest.sseData(r.body());
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode d = TestServer.JSON.readTree(e);
            assertEquals("transcript.text.delta", d.path("type").asText());
            text.append(d.path("delta").asText());
        }
        JsonNode done = TestServer.JSON.readTree(events.getLast());
        assertEquals("transcript.text.done", done.path("type").asText());
        assertEquals("second 1 second 2 second 3", done.path("text").asText());
        assertEquals(done.path("text").asText(), text.toString());
    }

    @Test
    void aPlainRequestAnswersJsonEvenWhenTheClientPrefersEvents() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "application/json", CHAT.getBytes(), "text/event-stream");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("one two three", TestServer.json(r).path("choices").get(0).path("message").path("content").asText());
    }

    @Test
    void textFormatsAnswerAsTheyAreWhenTheClientSaysJson() throws Exception {
        // The OpenAI SDKs send Accept: application/json with response_format=text as well.
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1))
                .field("response_format", "text");
        HttpResponse<String> r = post("/v1/audio/transcriptions", form.contentType(), form.body(), "application/json");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("second 1\n", r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"image/png", "application/json;q=0, text/event-stream;q=0", "*/*;q=0",
            "text/event-stream;q=0, application/json;q=0, */*;q=0.5"})
    void onlyAClientThatRefusesJsonAndEventsGets406(String accept) throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "application/json", CHAT_STREAM.getBytes(), accept);
        // In the last one the wildcard accepts anything else, but the ranges naming the two types win.
        assertEquals(406, r.statusCode(), r.body());
        JsonNode err = TestServer.json(r).path("error");
        assertEquals("not_acceptable", err.path("code").asText());
        String msg = err.path("message").asText();
        assertTrue(msg.contains("application/json") && msg.contains("text/event-stream"), msg);
    }

    @Test
    void aWildcardBesideOneRefusedTypeStillServes() throws Exception {
        assertChatStream(post("/v1/chat/completions", "application/json", CHAT_STREAM.getBytes(),
                "application/json;q=0, */*"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/v1/models", "/v1/models/tiny-asr", "/v1/models/download/none", "/metrics"})
    void everyGetRouteServesTheOpenAiSdkAcceptHeader(String path) throws Exception {
        for (String accept : new String[] {"application/json", "*/*", "application/json, text/plain, */*"}) {
            HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(s.uri(path)).header("Accept", accept).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            int expected = path.startsWith("/v1/models/download/") ? 404 : 200;
            assertEquals(expected, r.statusCode(), path + " with Accept " + accept + ": " + r.body());
            if (!path.equals("/metrics")) TestServer.json(r); // a JSON body, the error envelope included
        }
    }

    @Test
    void modelRoutesRefuseOnlyWhatCannotBeJson() throws Exception {
        HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(s.uri("/v1/models")).header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(406, r.statusCode(), r.body());
        assertTrue(TestServer.json(r).path("error").path("message").asText().contains("application/json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON",
            "application/json ; charset=\"utf-8\""})
    void jsonContentTypeWithParameters(String contentType) throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", contentType, CHAT.getBytes(), null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("one two three", TestServer.json(r).path("choices").get(0).path("message").path("content").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"multipart/form-data; boundary=\"%s\"", "multipart/form-data; charset=utf-8; boundary=%s",
            "Multipart/Form-Data;boundary=%s", "multipart/form-data; boundary=%s; charset=utf-8"})
    void multipartContentTypeVariants(String template) throws Exception {
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(2))
                .field("language", "English");
        HttpResponse<String> r = post("/v1/audio/transcriptions", template.formatted(form.boundary), form.body(), "application/json");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("second 1 in English second 2", TestServer.json(r).path("text").asText());
    }

    @Test
    void chunkedRequestBodies() throws Exception {
        // BodyPublishers.ofInputStream has no length: java.net.http sends it chunked.
        HttpResponse<String> chat = s.http.send(HttpRequest.newBuilder(s.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(CHAT_STREAM.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertChatStream(chat);

        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(2));
        HttpResponse<String> asr = s.http.send(HttpRequest.newBuilder(s.uri("/v1/audio/transcriptions"))
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(form.body()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, asr.statusCode(), asr.body());
        assertEquals("second 1 second 2", TestServer.json(asr).path("text").asText());

        // Small chunks over a raw socket, cut inside the JSON tokens.
        try (RawHttp c = new RawHttp(s.server.port())) {
            c.send(RawHttp.head("POST /v1/chat/completions HTTP/1.1", "Host: x", "Content-Type: application/json",
                    "Transfer-Encoding: chunked"));
            for (int i = 0; i < CHAT.length(); i += 7) c.send(RawHttp.chunk(CHAT.substring(i, Math.min(CHAT.length(), i + 7))));
            c.send(RawHttp.chunk(""));
            RawHttp.Response r = c.read();
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"content\":\"one two three\""), r.body());
        }
    }

    @Test
    void expect100ContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(40)); // 1.3 MB
        byte[] body = form.body();
        assertTrue(body.length > 1 << 20);
        try (RawHttp c = new RawHttp(s.server.port())) {
            c.send(RawHttp.head("POST /v1/audio/transcriptions HTTP/1.1", "Host: x", "Content-Type: " + form.contentType(),
                    "Content-Length: " + body.length, "Expect: 100-continue"));
            RawHttp.Response interim = c.read(); // curl waits up to 1 s for this before sending anyway
            assertEquals(100, interim.status());
            c.send(body);
            RawHttp.Response r = c.read();
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().startsWith("{\"text\":\"second 1 second 2"), r.body());
        }
    }

    @Test
    void curlUploadOverOneMebibyteWithExpectContinue() throws Exception {
        Path wav = TestAudio.writeWav(tmp.resolve("long.wav"), 40);
        Process p = new ProcessBuilder("curl", "-sS", "-w", "\n%{http_code} %{time_total}", s.baseUrl() + "/v1/audio/transcriptions",
                "-F", "file=@" + wav, "-F", "response_format=text").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        String[] tail = out.strip().substring(out.strip().lastIndexOf('\n') + 1).split(" ");
        assertEquals("200", tail[0], out);
        assertTrue(out.startsWith("second 1 second 2"), out);
        // Without a 100 Continue curl would sit out its 1 s expect timeout first.
        assertTrue(Double.parseDouble(tail[1]) < 1.0, "curl took " + tail[1] + " s: " + out);
    }

    @Test
    void http10ClientsAreToldToUseHttp11() throws Exception {
        // Helidon SE 4.5 has no HTTP/1.0; the answer must still be a well-formed JSON error that says what to do.
        byte[] body = CHAT_STREAM.getBytes();
        for (String head : new String[] {RawHttp.head("GET /health HTTP/1.0"), RawHttp.head("POST /v1/chat/completions HTTP/1.0",
                "Content-Type: application/json", "Content-Length: " + body.length)}) {
            try (RawHttp c = new RawHttp(s.server.port())) {
                c.send(head).send(body);
                RawHttp.Response r = c.read();
                assertEquals(505, r.status(), r.body());
                JsonNode err = TestServer.JSON.readTree(r.body()).path("error");
                assertEquals("http_version_not_supported", err.path("code").asText());
                assertTrue(err.path("message").asText().contains("HTTP/1.1"), r.body());
            }
        }
        assertEquals(200, s.get("/health").statusCode());
    }

    @Test
    void aConnectionServesTheNextRequestAfterAnError() throws Exception {
        byte[] bad = "{oops".getBytes();
        byte[] good = CHAT.getBytes();
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1));
        byte[] formBody = form.body();
        try (RawHttp c = new RawHttp(s.server.port())) {
            // 400 after reading the body; 400 before reading it (wrong content type, body left unread);
            // 404 with a body; 406; a translation refused without reading its upload.
            c.send(RawHttp.head("POST /v1/chat/completions HTTP/1.1", "Host: x", "Content-Type: application/json",
                    "Content-Length: " + bad.length)).send(bad);
            assertEquals(400, c.read().status());
            c.send(RawHttp.head("POST /v1/chat/completions HTTP/1.1", "Host: x", "Content-Type: text/plain",
                    "Content-Length: " + good.length)).send(good);
            assertEquals(400, c.read().status());
            c.send(RawHttp.head("POST /v1/nothing HTTP/1.1", "Host: x", "Content-Type: application/json",
                    "Content-Length: " + good.length)).send(good);
            assertEquals(404, c.read().status());
            c.send(RawHttp.head("POST /v1/chat/completions HTTP/1.1", "Host: x", "Content-Type: application/json",
                    "Accept: image/png", "Content-Length: " + good.length)).send(good);
            assertEquals(406, c.read().status());
            c.send(RawHttp.head("POST /v1/audio/translations HTTP/1.1", "Host: x", "Content-Type: " + form.contentType(),
                    "Content-Length: " + formBody.length)).send(formBody);
            RawHttp.Response translation = c.read();
            assertEquals(400, translation.status());
            c.send(RawHttp.head("POST /v1/chat/completions HTTP/1.1", "Host: x", "Content-Type: application/json",
                    "Content-Length: " + good.length)).send(good);
            RawHttp.Response r = c.read();
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"content\":\"one two three\""), r.body());
            c.send(RawHttp.head("GET /health HTTP/1.1", "Host: x"));
            assertEquals(200, c.read().status());
        }
    }

    @Test
    void endpointsTheModelsCannotServeSayWhereToGo() throws Exception {
        TestAudio.Multipart form = new TestAudio.Multipart().file("file", "a.wav", "audio/wav", TestAudio.wav(1));
        HttpResponse<String> t = post("/v1/audio/translations", form.contentType(), form.body(), null);
        assertEquals(400, t.statusCode());
        String msg = TestServer.json(t).path("error").path("message").asText();
        assertTrue(msg.contains("/v1/audio/transcriptions") && msg.contains("translat"), msg);

        HttpResponse<String> c = post("/v1/completions", "application/json", "{\"prompt\": \"hi\"}".getBytes(), null);
        assertEquals(400, c.statusCode());
        assertTrue(TestServer.json(c).path("error").path("message").asText().contains("/v1/chat/completions"));
    }
}
