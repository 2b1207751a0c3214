package ai.ominix.server;

import static ai.ominix.server.support.ChatServer.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.OutputFormat;
import ai.ominix.generate.json.StructuredCorpus;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.server.support.ChatServer;
import ai.ominix.server.support.NodeClients;
import ai.ominix.server.support.ScriptedAgent;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/messages} through the official Anthropic TypeScript SDK (npm
 * {@code @anthropic-ai/sdk}), with {@code --api-key} checked from its {@code x-api-key} header:
 * text answers equal to the engine in-process (plain, streamed, and the SDK's own accumulation
 * of the stream), tool use on the real tiny engine (inputs valid against input_schema), thinking
 * and tool-use blocks and tool results in the history on a scripted engine, Anthropic-shaped errors.
 */
class AnthropicMessagesTest {
    static final String CHAT = ChatServer.CHAT;
    static final String SCRIPTED = ChatServer.SCRIPTED;
    static final String KEY = "sk-local-test";

    @TempDir
    static Path root;
    static ChatServer cs;
    static final ScriptedAgent agent = new ScriptedAgent(SCRIPTED);

    @BeforeAll
    static void start() throws Exception {
        cs = ChatServer.start(root, agent, KEY, SalaChatEngine.Options.DEFAULT_PROMPT_CACHE_BYTES);
    }

    @AfterAll
    static void stop() {
        if (cs != null) cs.close();
    }

    static String base() {
        return cs.base();
    }

    static Map<String, Object> params(String model, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("model", model);
        p.put("max_tokens", 12);
        p.put("system", "You are terse.");
        p.put("messages", List.of(Map.of("role", "user", "content", "Write a short poem about the sea.")));
        for (int i = 0; i < kv.length; i += 2) p.put((String) kv[i], kv[i + 1]);
        return p;
    }


    static ArrayNode run(String key, List<com.fasterxml.jackson.databind.node.ObjectNode> calls) throws Exception {
        return NodeClients.run("anthropic-driver.mjs", base(), key, calls);
    }

    @Test
    void textAnswersAreTheEnginesPlainStreamedAndAccumulated() throws Exception {
        ChatEngine.Result want = cs.reference().generate(new ChatEngine.Request(List.of(new ChatEngine.Message("system", "You are terse."),
                new ChatEngine.Message("user", "Write a short poem about the sea.")), 0, 1, 12, List.of(), null, true), Cancellation.none(), null);
        Map<String, Object> p = params(CHAT, "temperature", 0);
        ArrayNode r = run(KEY, List.of(NodeClients.call("messages", p), NodeClients.call("messagesStream", p),
                NodeClients.call("messagesStreamFinal", p)));
        JsonNode plain = value(r.get(0));
        assertEquals("message", plain.path("type").asText());
        assertEquals("assistant", plain.path("role").asText());
        assertTrue(plain.path("id").asText().startsWith("msg_"));
        assertEquals(want.text(), plain.at("/content/0/text").asText());
        assertEquals(want.finishReason() == ChatEngine.FinishReason.LENGTH ? "max_tokens" : "end_turn", plain.path("stop_reason").asText());
        assertEquals(want.promptTokens(), plain.at("/usage/input_tokens").asInt());
        assertEquals(want.completionTokens(), plain.at("/usage/output_tokens").asInt());

        StringBuilder text = new StringBuilder();
        List<String> types = new java.util.ArrayList<>();
        for (JsonNode e : value(r.get(1))) {
            types.add(e.path("type").asText());
            if (e.path("type").asText().equals("content_block_delta")) text.append(e.at("/delta/text").asText());
        }
        assertEquals("message_start", types.getFirst());
        assertEquals("message_stop", types.getLast());
        assertTrue(types.contains("content_block_start") && types.contains("content_block_stop") && types.contains("message_delta"), types.toString());
        assertEquals(want.text(), text.toString());
        JsonNode accumulated = value(r.get(2));
        assertEquals(want.text(), accumulated.at("/content/0/text").asText());
        assertEquals(plain.path("stop_reason"), accumulated.path("stop_reason"));
        assertEquals(want.completionTokens(), accumulated.at("/usage/output_tokens").asInt());
    }

    static final String ADD = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},"
            + "\"required\":[\"a\",\"b\"],\"additionalProperties\":false}";

    @Test
    void toolUseOnTheRealEngineHasInputsOfTheSchema() throws Exception {
        // no logit bias in this API: the schema's integers end quickly even on random weights
        List<Map<String, Object>> tools = List.of(Map.of("name", "add", "description", "Adds two integers",
                "input_schema", TestServer.JSON.readTree(ADD)));
        Map<String, Object> p = params(CHAT, "max_tokens", 300, "temperature", 0.8, "tools", tools,
                "tool_choice", Map.of("type", "tool", "name", "add", "disable_parallel_tool_use", true));
        ArrayNode r = run(KEY, List.of(NodeClients.call("messages", p), NodeClients.call("messagesStreamFinal", p)));
        int calls = 0;
        for (int i = 0; i < 2; i++) {
            JsonNode m = value(r.get(i));
            JsonNode use = null;
            for (JsonNode b : m.path("content")) if (b.path("type").asText().equals("tool_use")) use = b;
            if (m.path("stop_reason").asText().equals("max_tokens")) continue; // the budget ran out mid-call: allowed
            assertEquals("tool_use", m.path("stop_reason").asText(), m.toString());
            assertTrue(use != null, m.toString());
            assertEquals("add", use.path("name").asText());
            assertTrue(use.path("input").isObject(), "the SDK sees input as an object: " + use);
            assertEquals(List.of(), StructuredCorpus.violations(ADD, use.path("input").toString()));
            calls++;
        }
        assertTrue(calls > 0, "at least one answer is a whole call");
    }

    @Test
    void thinkingToolUseAndToolResultsOnTheScriptedAgent() throws Exception {
        List<Map<String, Object>> tools = List.of(Map.of("name", "get_weather", "input_schema",
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))));
        Map<String, Object> p = params(SCRIPTED, "tools", tools, "thinking", Map.of("type", "enabled", "budget_tokens", 1024));
        p.put("messages", List.of(
                Map.of("role", "user", "content", "Weather in Paris?"),
                Map.of("role", "assistant", "content", List.of(Map.of("type", "text", "text", "Checking."),
                        Map.of("type", "tool_use", "id", "toolu_1", "name", "get_weather", "input", Map.of("city", "Paris")))),
                Map.of("role", "user", "content", List.of(Map.of("type", "tool_result", "tool_use_id", "toolu_1", "content", "18 C, sunny")))));
        ArrayNode r = run(KEY, List.of(NodeClients.call("messages", p), NodeClients.call("messagesStreamFinal", p)));
        for (int i = 0; i < 2; i++) {
            JsonNode m = value(r.get(i));
            JsonNode content = m.path("content");
            assertEquals("thinking", content.get(0).path("type").asText(), m.toString());
            assertEquals(ScriptedAgent.REASONING, content.get(0).path("thinking").asText());
            assertEquals("text", content.get(1).path("type").asText());
            assertEquals("Let me check.", content.get(1).path("text").asText());
            assertEquals("tool_use", content.get(2).path("type").asText());
            assertEquals("get_weather", content.get(2).path("name").asText());
            assertEquals("Oslo", content.get(3).at("/input/city").asText());
            assertEquals("tool_use", m.path("stop_reason").asText());
        }
        ChatEngine.Request req = agent.last.get();
        assertFalse(req.noThink(), "thinking enabled");
        List<ChatEngine.Message> msgs = req.messages();
        assertEquals("system", msgs.getFirst().role());
        ChatEngine.Message assistant = msgs.get(2);
        assertEquals("assistant", assistant.role());
        assertEquals("get_weather", assistant.toolCalls().getFirst().name());
        assertEquals("{\"city\":\"Paris\"}", assistant.toolCalls().getFirst().arguments());
        assertEquals("tool", msgs.get(3).role());
        assertEquals("toolu_1", msgs.get(3).toolCallId());
        assertEquals("18 C, sunny", msgs.get(3).content());
        assertTrue(req.format() instanceof OutputFormat.Tools t && t.choice().equals(OutputFormat.Tools.AUTO));
    }

    @Test
    void errorsAreAnthropicShaped() throws Exception {
        Map<String, Object> noMax = params(CHAT);
        noMax.remove("max_tokens");
        ArrayNode r = run(KEY, List.of(NodeClients.call("messages", noMax),
                NodeClients.call("messages", params("no-such-model"))));
        JsonNode e = r.get(0).path("error");
        assertEquals(400, e.path("status").asInt(), e.toString());
        assertEquals("BadRequestError", e.path("class").asText());
        assertEquals("invalid_request_error", e.path("type").asText());
        assertTrue(e.path("message").asText().contains("max_tokens"), e.toString());
        JsonNode missing = r.get(1).path("error");
        assertEquals(404, missing.path("status").asInt());
        assertEquals("not_found_error", missing.path("type").asText());
        JsonNode wrongKey = run("wrong", List.of(NodeClients.call("messages", params(CHAT)))).get(0).path("error");
        assertEquals(401, wrongKey.path("status").asInt());
        assertEquals("AuthenticationError", wrongKey.path("class").asText());
        assertEquals("authentication_error", wrongKey.path("type").asText());
    }
}
