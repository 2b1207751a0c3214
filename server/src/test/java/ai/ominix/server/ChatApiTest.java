package ai.ominix.server;

import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/chat/completions} over java.net.http: plain, streaming, and its errors. */
class ChatApiTest {
    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.builder(tmp).start();
        s.awaitReady();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void plainCompletionHasTheOpenAiShape() throws Exception {
        HttpResponse<String> r = s.postJson("/v1/chat/completions", """
                {"model": "tiny-chat", "messages": [{"role": "system", "content": "be brief"},
                 {"role": "user", "content": "hello there world"}], "temperature": 0, "seed": 7}""");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = TestServer.json(r);
        assertTrue(j.path("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", j.path("object").asText());
        assertEquals("tiny-chat", j.path("model").asText());
        assertTrue(j.path("created").asLong() > 1_600_000_000L);
        JsonNode c = j.path("choices").get(0);
        assertEquals(0, c.path("index").asInt());
        assertEquals("assistant", c.path("message").path("role").asText());
        assertEquals("hello there world", c.path("message").path("content").asText());
        assertEquals("stop", c.path("finish_reason").asText());
        JsonNode u = j.path("usage");
        assertEquals(3, u.path("completion_tokens").asInt());
        assertEquals(u.path("prompt_tokens").asInt() + 3, u.path("total_tokens").asInt());
        // What reached the engine: roles, sampling and defaults.
        var req = s.chat.lastRequest;
        assertEquals("system", req.messages().get(0).role());
        assertEquals(0.0, req.temperature());
        assertEquals(7L, req.seed());
        assertEquals(2048, req.maxTokens());
        assertNotEquals(Thread.currentThread(), s.chat.lastThread);
        assertFalse(s.chat.lastThread.isVirtual(), "inference must run on the platform worker thread");
    }

    @Test
    void maxTokensEndsWithLengthAndStopStringsAreHonoured() throws Exception {
        JsonNode j = TestServer.json(s.postJson("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "one two three four"}], "max_tokens": 2}"""));
        assertEquals("one two", j.at("/choices/0/message/content").asText());
        assertEquals("length", j.at("/choices/0/finish_reason").asText());
        j = TestServer.json(s.postJson("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "one two three four"}], "stop": ["three"]}"""));
        assertEquals("one two", j.at("/choices/0/message/content").asText());
        assertEquals("stop", j.at("/choices/0/finish_reason").asText());
        j = TestServer.json(s.postJson("/v1/chat/completions", """
                {"messages": [{"role": "developer", "content": "x"},
                  {"role": "user", "content": [{"type": "text", "text": "parts "}, {"type": "text", "text": "work"}]}]}"""));
        assertEquals("parts work", j.at("/choices/0/message/content").asText());
        assertEquals("system", s.chat.lastRequest.messages().get(0).role());
    }

    @Test
    void streamingSendsChunksThenDone() throws Exception {
        HttpResponse<String> r = s.postJson("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "alpha beta gamma"}], "stream": true,
                 "stream_options": {"include_usage": true}}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> data = sseData(r.body());
        assertEquals("[DONE]", data.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode c = TestServer.JSON.readTree(d);
            assertEquals("chat.completion.chunk", c.path("object").asText());
            if (c.path("choices").isEmpty()) {
                usage = c.path("usage");
                continue;
            }
            text.append(c.at("/choices/0/delta/content").asText(""));
            if (!c.at("/choices/0/finish_reason").isNull()) finish = c.at("/choices/0/finish_reason").asText();
        }
        assertEquals("assistant", TestServer.JSON.readTree(data.getFirst()).at("/choices/0/delta/role").asText());
        assertEquals("alpha beta gamma", text.toString());
        assertEquals("stop", finish);
        assertEquals(3, usage.path("completion_tokens").asInt());
        // One event per generated piece, plus the finish chunk, the usage chunk and [DONE].
        assertEquals(3 + 3, data.size());
    }

    @Test
    void streamingWithoutUsageHasNoUsageChunk() throws Exception {
        List<String> data = sseData(s.postJson("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "x y"}], "stream": true}""").body());
        assertEquals(List.of("[DONE]"), data.subList(data.size() - 1, data.size()));
        assertTrue(data.stream().noneMatch(d -> d.contains("\"usage\"")));
    }

    static List<String> sseData(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) out.add(line.substring(5).strip());
        }
        return out;
    }

    @Test
    void badRequestsAreOpenAiErrors() throws Exception {
        String[][] cases = {
                {"{not json", "invalid_json", null},
                {"[1,2]", "invalid_json", null},
                {"", "invalid_json", null},
                {"{}", "missing_parameter", "messages"},
                {"{\"messages\": []}", "invalid_parameter", "messages"},
                {"{\"messages\": \"hi\"}", "invalid_parameter", "messages"},
                {"{\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}", "invalid_parameter", "messages[0].role"},
                {"{\"messages\": [{\"role\": \"user\"}]}", "invalid_parameter", "messages[0].content"},
                {"{\"messages\": [{\"role\": \"tool\", \"content\": \"42\"}]}", "invalid_parameter", "messages[0].tool_call_id"},
                {"{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{oops\"}}]}]}", "invalid_parameter", "messages[0].tool_calls[0].function.arguments"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}", "invalid_parameter", "messages[0].content"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": 3}", "invalid_parameter", "temperature"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": \"hot\"}", "invalid_parameter", "temperature"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_p\": 0}", "invalid_parameter", "top_p"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 0}", "invalid_parameter", "max_tokens"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 1.5}", "invalid_parameter", "max_tokens"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"n\": 9}", "invalid_parameter", "n"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stop\": [1]}", "invalid_parameter", "stop"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stream\": \"maybe\"}", "invalid_parameter", "stream"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"presence_penalty\": 3}", "invalid_parameter", "presence_penalty"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"frequency_penalty\": -2.5}", "invalid_parameter", "frequency_penalty"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"repetition_penalty\": 0}", "invalid_parameter", "repetition_penalty"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"min_p\": 2}", "invalid_parameter", "min_p"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_k\": -1}", "invalid_parameter", "top_k"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logit_bias\": {\"abc\": 1}}", "invalid_parameter", "logit_bias"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logit_bias\": {\"5\": 101}}", "invalid_parameter", "logit_bias"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_logprobs\": 3}", "invalid_parameter", "top_logprobs"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logprobs\": true, \"top_logprobs\": 21}", "invalid_parameter", "top_logprobs"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"reasoning_effort\": \"max\"}", "invalid_parameter", "reasoning_effort"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tools\": [{\"type\": \"web_search\"}]}", "unsupported_parameter", "tools[0].type"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a b\"}}]}", "invalid_parameter", "tools[0].function.name"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}}}", "invalid_parameter", "tool_choice"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tool_choice\": \"required\"}", "invalid_parameter", "tool_choice"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"xml\"}}", "invalid_parameter", "response_format.type"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"json_schema\"}}", "invalid_parameter", "response_format.json_schema"},
                {"{\"model\": \"" + "m".repeat(5000) + "\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "invalid_parameter", "model"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"" + "w ".repeat(5000) + "\"}]}", "context_length_exceeded", "messages"},
                {"[".repeat(5000), "invalid_json", null},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = s.postJson("/v1/chat/completions", c[0]);
            assertEquals(400, r.statusCode(), c[0].length() > 100 ? c[0].substring(0, 100) : c[0]);
            JsonNode e = TestServer.json(r).path("error");
            assertEquals("invalid_request_error", e.path("type").asText());
            assertEquals(c[1], e.path("code").asText(), r.body());
            if (c[2] == null) assertTrue(e.path("param").isNull());
            else assertEquals(c[2], e.path("param").asText(), r.body());
            assertFalse(r.body().contains("at ai.ominix"), "no stack trace: " + r.body());
            assertTrue(e.path("message").asText().length() < 2000, "errors do not echo huge input");
        }
    }

    @Test
    void wrongContentTypeAndUnknownModelAndEndpoint() throws Exception {
        HttpResponse<String> r = s.post("/v1/chat/completions", "text/plain", "{}".getBytes());
        assertEquals(400, r.statusCode());
        assertEquals("unsupported_content_type", TestServer.json(r).at("/error/code").asText());
        r = s.post("/v1/chat/completions", null, "{}".getBytes());
        assertEquals(400, r.statusCode());

        r = s.postJson("/v1/chat/completions", "{\"model\": \"gpt-9\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");
        assertEquals(404, r.statusCode());
        assertEquals("not_found", TestServer.json(r).at("/error/type").asText());
        assertEquals("model_not_found", TestServer.json(r).at("/error/code").asText());

        r = s.get("/v1/nothing/here");
        assertEquals(404, r.statusCode());
        assertEquals("not_found", TestServer.json(r).at("/error/type").asText());
        r = s.http.send(HttpRequest.newBuilder(s.uri("/v1/chat/completions")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertEquals("not_found", TestServer.json(r).at("/error/type").asText());
    }

    @Test
    void anEngineFailureIs500InferenceFailedAndTheServerCarriesOn() throws Exception {
        s.chat.failWith = new IllegalStateException("kernel exploded");
        try {
            HttpResponse<String> r = s.postJson("/v1/chat/completions", WorkersAndHealthTest.CHAT);
            assertEquals(500, r.statusCode(), r.body());
            JsonNode e = TestServer.json(r).path("error");
            assertEquals("server_error", e.path("type").asText());
            assertEquals("inference_failed", e.path("code").asText());
            assertTrue(e.path("message").asText().contains("kernel exploded"), r.body());
            assertFalse(r.body().contains("at ai.ominix"), "no stack trace: " + r.body());
            // Streaming: nothing was sent yet, so the same error with its status.
            r = s.postJson("/v1/chat/completions", "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");
            assertEquals(500, r.statusCode(), r.body());
            assertEquals("inference_failed", TestServer.json(r).at("/error/code").asText());
        } finally {
            s.chat.failWith = null;
        }
        assertEquals(200, s.postJson("/v1/chat/completions", WorkersAndHealthTest.CHAT).statusCode());
        assertEquals(200, s.get("/health").statusCode());
    }
}
