package ai.ominix.server;

import static ai.ominix.server.support.ChatServer.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.ominix.generate.json.StructuredCorpus;
import ai.ominix.server.support.ChatServer;
import ai.ominix.server.support.NodeClients;
import ai.ominix.server.support.TestServer;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured output and tool calls end to end on the tiny random-weight MiniCPM-SALA (whose free
 * output is gibberish), through the official OpenAI Node and Java SDKs, plain and streamed: every
 * answer of the 30+ schema corpus validates with a maintained JSON-schema validator, every tool
 * call parses and names a declared function with arguments of its schema. A logit bias on the
 * tokens that close strings and containers stands in for a trained model's habits, so that
 * documents end within max_tokens; it is sent as the API's own {@code logit_bias}.
 */
class StructuredOutputApiTest {
    static final String CHAT = ChatServer.CHAT;

    @TempDir
    static Path root;
    static ChatServer cs;
    static Map<String, Double> closing;
    static Tokenizer tok;

    @BeforeAll
    static void start() throws Exception {
        cs = ChatServer.start(root, null, null, ai.ominix.models.sala.SalaChatEngine.Options.DEFAULT_PROMPT_CACHE_BYTES);
        tok = Tokenizers.load(cs.modelsDir.resolve(CHAT));
        closing = new LinkedHashMap<>();
        for (int id = 0; id < tok.vocabSize(); id++) {
            byte[] b = tok.tokenBytes(id);
            if (b == null || tok.isSpecial(id)) continue;
            for (byte x : b) if (x == '"' || x == '}' || x == ']') closing.put(Integer.toString(id), 4.0);
        }
        closing.put(Integer.toString(tok.eosId().orElseThrow()), 4.0);
    }

    @AfterAll
    static void stop() {
        if (cs != null) cs.close();
    }

    static String base() {
        return cs.base();
    }

    static Map<String, Object> params(Map<String, Double> bias, long seed, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("model", CHAT);
        p.put("messages", List.of(Map.of("role", "user", "content", "Answer in JSON.")));
        p.put("max_tokens", 1500);
        p.put("temperature", 1.0);
        p.put("seed", seed);
        p.put("logit_bias", bias);
        for (int i = 0; i < kv.length; i += 2) p.put((String) kv[i], kv[i + 1]);
        return p;
    }


    static String streamedContent(JsonNode chunks) {
        StringBuilder s = new StringBuilder();
        for (JsonNode c : chunks) for (JsonNode ch : c.path("choices")) s.append(ch.path("delta").path("content").asText(""));
        return s.toString();
    }

    static void check(List<String> failures, String what, String schema, String doc, String finish) {
        if (!"stop".equals(finish)) {
            failures.add(what + ": finish_reason " + finish + ": " + doc);
            return;
        }
        try {
            StructuredCorpus.parse(doc);
        } catch (Exception e) {
            failures.add(what + ": does not parse: " + doc);
            return;
        }
        List<String> v = StructuredCorpus.violations(schema, doc);
        if (!v.isEmpty()) failures.add(what + ": " + v + " in " + doc);
    }

    @Test
    void everyCorpusSchemaValidatesThroughTheNodeSdkPlainAndStreamed() throws Exception {
        List<StructuredCorpus.Entry> corpus = StructuredCorpus.schemas();
        List<ObjectNode> calls = new ArrayList<>();
        for (StructuredCorpus.Entry e : corpus) {
            Map<String, Object> format = Map.of("type", "json_schema", "json_schema",
                    Map.of("name", e.name().replace('-', '_'), "strict", true, "schema", TestServer.JSON.readTree(e.schema())));
            calls.add(NodeClients.call("chat", params(closing, e.name().hashCode(), "response_format", format)));
            calls.add(NodeClients.call("chatStream", params(closing, e.name().hashCode() + 1, "response_format", format)));
        }
        calls.add(NodeClients.call("chat", params(closing, 3, "response_format", Map.of("type", "json_object"))));
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, calls);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            StructuredCorpus.Entry e = corpus.get(i);
            JsonNode plain = value(r.get(2 * i));
            check(failures, e.name() + " (plain)", e.schema(), plain.at("/choices/0/message/content").asText(),
                    plain.at("/choices/0/finish_reason").asText());
            JsonNode chunks = value(r.get(2 * i + 1));
            String finish = null;
            for (JsonNode c : chunks) for (JsonNode ch : c.path("choices")) if (ch.path("finish_reason").isTextual()) finish = ch.path("finish_reason").asText();
            check(failures, e.name() + " (streamed)", e.schema(), streamedContent(chunks), finish);
        }
        JsonNode object = value(r.get(2 * corpus.size()));
        assertTrue(StructuredCorpus.parse(object.at("/choices/0/message/content").asText()).isObject(), object.toString());
        if (!failures.isEmpty()) fail(failures.size() + " of " + 2 * corpus.size() + " answers failed:\n" + String.join("\n", failures));
    }

    @Test
    void theJavaSdkGetsValidDocumentsPlainAndStreamed() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(base()).apiKey("unused").maxRetries(0).build();
        List<String> failures = new ArrayList<>();
        try {
            for (StructuredCorpus.Entry e : StructuredCorpus.schemas().subList(0, 12)) {
                Map<String, JsonValue> schema = new LinkedHashMap<>();
                Map<?, ?> fields = TestServer.JSON.readValue(e.schema(), Map.class);
                fields.forEach((k, v) -> schema.put((String) k, JsonValue.from(v)));
                ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(ChatModel.of(CHAT))
                        .addUserMessage("Answer in JSON.").maxCompletionTokens(1500).temperature(1.0).seed(11)
                        .logitBias(ChatCompletionCreateParams.LogitBias.builder().putAllAdditionalProperties(bias(closing)).build())
                        .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                                .name(e.name().replace('-', '_')).strict(true)
                                .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder().putAllAdditionalProperties(schema).build())
                                .build()).build());
                ChatCompletion c = client.chat().completions().create(b.build());
                check(failures, e.name() + " (java plain)", e.schema(), c.choices().getFirst().message().content().orElse(""),
                        c.choices().getFirst().finishReason().asString());
                StringBuilder text = new StringBuilder();
                String finish = null;
                try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(b.seed(12).build())) {
                    for (ChatCompletionChunk k : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                        for (ChatCompletionChunk.Choice ch : k.choices()) {
                            ch.delta().content().ifPresent(text::append);
                            if (ch.finishReason().isPresent()) finish = ch.finishReason().get().asString();
                        }
                    }
                }
                check(failures, e.name() + " (java streamed)", e.schema(), text.toString(), finish);
            }
        } finally {
            client.close();
        }
        if (!failures.isEmpty()) fail(String.join("\n", failures));
    }

    private static Map<String, JsonValue> bias(Map<String, Double> m) {
        Map<String, JsonValue> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, JsonValue.from(v.intValue())));
        return out;
    }

    static final String WEATHER = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"unit\":{\"type\":\"string\",\"enum\":[\"c\",\"f\"]}},\"required\":[\"city\",\"unit\"],\"additionalProperties\":false}";
    static final String ADD = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},"
            + "\"required\":[\"a\",\"b\"],\"additionalProperties\":false}";

    static List<Map<String, Object>> tools() throws Exception {
        return List.of(
                Map.of("type", "function", "function", Map.of("name", "get_weather", "description", "Weather in a city",
                        "parameters", TestServer.JSON.readTree(WEATHER), "strict", true)),
                Map.of("type", "function", "function", Map.of("name", "add", "description", "Adds two integers",
                        "parameters", TestServer.JSON.readTree(ADD))));
    }

    static void checkCalls(List<String> failures, String what, JsonNode calls, String only) {
        if (!calls.isArray() || calls.isEmpty()) {
            failures.add(what + ": no tool_calls: " + calls);
            return;
        }
        for (JsonNode c : calls) {
            String name = c.at("/function/name").asText();
            String args = c.at("/function/arguments").asText();
            String schema = name.equals("get_weather") ? WEATHER : name.equals("add") ? ADD : null;
            if (schema == null || (only != null && !only.equals(name))) {
                failures.add(what + ": called " + name);
                continue;
            }
            List<String> v = StructuredCorpus.violations(schema, args);
            if (!v.isEmpty()) failures.add(what + ": " + v + " in " + args);
            if (!c.path("id").asText().startsWith("call_")) failures.add(what + ": id " + c.path("id"));
        }
    }

    @Test
    void toolCallsParseAndNameDeclaredFunctionsPlainAndStreamed() throws Exception {
        Map<String, Double> bias = new LinkedHashMap<>(closing); // the random model loves the call marker: let it end after a call
        bias.put(Integer.toString(tok.tokenId("<|tool_call|>")), -14.0);
        bias.put(Integer.toString(tok.eosId().orElseThrow()), 25.0);
        List<ObjectNode> calls = new ArrayList<>();
        for (long seed = 0; seed < 4; seed++) {
            calls.add(NodeClients.call("chat", params(bias, seed, "tools", tools(), "tool_choice", "required")));
            calls.add(NodeClients.call("chatStreamFinal", params(bias, seed, "tools", tools(), "tool_choice", "required")));
        }
        Map<String, Object> named = Map.of("type", "function", "function", Map.of("name", "add"));
        calls.add(NodeClients.call("chat", params(bias, 9, "tools", tools(), "tool_choice", named, "parallel_tool_calls", false)));
        calls.add(NodeClients.call("chatStream", params(bias, 9, "tools", tools(), "tool_choice", named, "parallel_tool_calls", false)));
        calls.add(NodeClients.call("chat", params(closing, 9, "max_tokens", 20, "tools", tools(), "tool_choice", "none")));
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, calls);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JsonNode v = value(r.get(i));
            assertEquals("tool_calls", v.at("/choices/0/finish_reason").asText(), v.toString());
            checkCalls(failures, "call " + i, v.at("/choices/0/message/tool_calls"), null);
        }
        JsonNode one = value(r.get(8));
        assertEquals(1, one.at("/choices/0/message/tool_calls").size(), "parallel_tool_calls false: one call");
        checkCalls(failures, "named", one.at("/choices/0/message/tool_calls"), "add");
        ArrayNode streamedCalls = TestServer.JSON.createArrayNode();
        String finish = null;
        for (JsonNode c : value(r.get(9))) {
            for (JsonNode ch : c.path("choices")) {
                for (JsonNode d : ch.path("delta").path("tool_calls")) streamedCalls.add(d);
                if (ch.path("finish_reason").isTextual()) finish = ch.path("finish_reason").asText();
            }
        }
        assertEquals("tool_calls", finish);
        checkCalls(failures, "named streamed", streamedCalls, "add");
        assertEquals(one.at("/choices/0/message/tool_calls/0/function/arguments").asText(),
                streamedCalls.get(0).at("/function/arguments").asText(), "same seed, same call");
        JsonNode none = value(r.get(10));
        assertFalse(none.at("/choices/0/message/tool_calls").isArray() && !none.at("/choices/0/message/tool_calls").isEmpty());
        if (!failures.isEmpty()) fail(String.join("\n", failures));
    }

    @Test
    void theJavaSdkGetsValidToolCallsPlainAndStreamed() throws Exception {
        Map<String, Double> bias = new LinkedHashMap<>(closing);
        bias.put(Integer.toString(tok.tokenId("<|tool_call|>")), -14.0);
        bias.put(Integer.toString(tok.eosId().orElseThrow()), 25.0);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(base()).apiKey("unused").maxRetries(0).build();
        List<String> failures = new ArrayList<>();
        try {
            ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(ChatModel.of(CHAT))
                    .addUserMessage("Add 2 and 3, and tell me the weather in Paris.").maxCompletionTokens(800).temperature(1.0).seed(4)
                    .logitBias(ChatCompletionCreateParams.LogitBias.builder().putAllAdditionalProperties(bias(bias)).build())
                    .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED);
            for (Map<String, Object> t : tools()) {
                @SuppressWarnings("unchecked") Map<String, Object> fn = (Map<String, Object>) t.get("function");
                Map<?, ?> params = TestServer.JSON.convertValue(fn.get("parameters"), Map.class);
                com.openai.models.FunctionParameters.Builder pb = com.openai.models.FunctionParameters.builder();
                params.forEach((k, v) -> pb.putAdditionalProperty((String) k, JsonValue.from(v)));
                b.addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder().function(
                        com.openai.models.FunctionDefinition.builder().name((String) fn.get("name")).parameters(pb.build()).build()).build());
            }
            ChatCompletion plain = client.chat().completions().create(b.build());
            checkCalls(failures, "java plain", TestServer.JSON.valueToTree(javaCalls(plain)), null);
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, plain.choices().getFirst().finishReason());
            com.openai.helpers.ChatCompletionAccumulator acc = com.openai.helpers.ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(b.seed(5).build())) {
                s.stream().forEach(acc::accumulate);
            }
            ChatCompletion streamed = acc.chatCompletion();
            checkCalls(failures, "java streamed", TestServer.JSON.valueToTree(javaCalls(streamed)), null);
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, streamed.choices().getFirst().finishReason());
        } finally {
            client.close();
        }
        if (!failures.isEmpty()) fail(String.join("\n", failures));
    }

    /** The calls as the wire's {id, function: {name, arguments}}, read through the SDK's types. */
    private static List<Map<String, Object>> javaCalls(ChatCompletion c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var call : c.choices().getFirst().message().toolCalls().orElse(List.of())) {
            var f = call.asFunction();
            out.add(Map.of("id", f.id(), "function", Map.of("name", f.function().name(), "arguments", f.function().arguments())));
        }
        return out;
    }

    @Test
    void anUnsupportedSchemaIsA400NamingTheKeyword() throws Exception {
        Map<String, Object> format = Map.of("type", "json_schema", "json_schema",
                Map.of("name", "x", "schema", Map.of("type", "object", "patternProperties", Map.of("^a", Map.of()))));
        Map<String, Object> badTool = Map.of("type", "function", "function", Map.of("name", "f",
                "parameters", Map.of("type", "object", "properties", Map.of("n", Map.of("type", "number", "multipleOf", 2)))));
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, List.of(
                NodeClients.call("chat", params(closing, 1, "response_format", format)),
                NodeClients.call("chat", params(closing, 1, "tools", List.of(badTool)))));
        for (int i = 0; i < 2; i++) {
            JsonNode e = r.get(i).path("error");
            assertFalse(r.get(i).path("ok").asBoolean());
            assertEquals(400, e.path("status").asInt(), e.toString());
            assertEquals(i == 0 ? "response_format" : "tools", e.path("param").asText(), e.toString());
            assertTrue(e.path("message").asText().contains(i == 0 ? "patternProperties" : "multipleOf"), e.toString());
        }
    }
}
