package ai.ominix.server;

import static ai.ominix.server.support.ChatServer.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.generate.json.StructuredCorpus;
import ai.ominix.server.support.ChatServer;
import ai.ominix.server.support.NodeClients;
import ai.ominix.server.support.ScriptedAgent;
import ai.ominix.server.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/responses} through the official OpenAI Node SDK ({@code client.responses.create},
 * plain and {@code stream: true}, and the SDK's {@code responses.stream().finalResponse()}):
 * answers equal to the engine in-process, {@code previous_response_id} continuing the stored
 * conversation, retrieve and delete, function calls and their outputs, json_schema text format.
 */
class ResponsesApiTest {
    static final String CHAT = ChatServer.CHAT;
    static final String SCRIPTED = ChatServer.SCRIPTED;

    @TempDir
    static Path root;
    static ChatServer cs;
    static final ScriptedAgent agent = new ScriptedAgent(SCRIPTED);

    @BeforeAll
    static void start() throws Exception {
        cs = ChatServer.start(root, agent);
    }

    @AfterAll
    static void stop() {
        if (cs != null) cs.close();
    }

    static String base() {
        return cs.base();
    }

    static Map<String, Object> params(String model, Object input, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("model", model);
        p.put("input", input);
        p.put("max_output_tokens", 10);
        p.put("temperature", 0);
        p.put("reasoning", Map.of("effort", "none"));
        for (int i = 0; i < kv.length; i += 2) p.put((String) kv[i], kv[i + 1]);
        return p;
    }


    /** The output text as the SDK's output_text computes it (its stream helper's final response has no output_text). */
    static String outputText(JsonNode response) {
        StringBuilder s = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            if (!item.path("type").asText().equals("message")) continue;
            for (JsonNode c : item.path("content")) if (c.path("type").asText().equals("output_text")) s.append(c.path("text").asText());
        }
        return s.toString();
    }

    static ChatEngine.Result inProcess(List<ChatEngine.Message> messages) {
        return cs.reference().generate(new ChatEngine.Request(messages, 0, 1, 10, List.of(), null, true), Cancellation.none(), null);
    }

    static ArrayNode run(List<com.fasterxml.jackson.databind.node.ObjectNode> calls) throws Exception {
        return NodeClients.run("openai-driver.mjs", base(), null, calls);
    }

    @Test
    void textAnswersAreTheEnginesPlainStreamedAndAccumulated() throws Exception {
        ChatEngine.Result want = inProcess(List.of(new ChatEngine.Message("system", "Be brief."),
                new ChatEngine.Message("user", "Write a short poem about the sea.")));
        Map<String, Object> p = params(CHAT, "Write a short poem about the sea.", "instructions", "Be brief.");
        ArrayNode r = run(List.of(NodeClients.call("responses", p), NodeClients.call("responsesStream", p),
                NodeClients.call("responsesStreamFinal", p)));
        JsonNode plain = value(r.get(0));
        assertEquals("response", plain.path("object").asText());
        assertTrue(plain.path("id").asText().startsWith("resp_"));
        assertEquals(want.text(), plain.path("output_text").asText(), "the SDK's output_text");
        assertEquals(want.finishReason() == ChatEngine.FinishReason.LENGTH ? "incomplete" : "completed", plain.path("status").asText());
        assertEquals(want.promptTokens(), plain.at("/usage/input_tokens").asInt());
        assertEquals(want.completionTokens(), plain.at("/usage/output_tokens").asInt());
        assertEquals("message", plain.at("/output/0/type").asText());

        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int seq = -1;
        for (JsonNode e : value(r.get(1))) {
            types.add(e.path("type").asText());
            assertEquals(seq + 1, e.path("sequence_number").asInt(), "sequence numbers count up");
            seq = e.path("sequence_number").asInt();
            if (e.path("type").asText().equals("response.output_text.delta")) text.append(e.path("delta").asText());
        }
        assertEquals("response.created", types.getFirst());
        assertTrue(types.getLast().equals("response.completed") || types.getLast().equals("response.incomplete"), types.toString());
        assertTrue(types.contains("response.output_item.added") && types.contains("response.output_item.done"), types.toString());
        assertEquals(want.text(), text.toString());
        JsonNode accumulated = value(r.get(2));
        assertEquals(want.text(), outputText(accumulated));
        assertEquals(want.text(), accumulated.at("/output/0/content/0/text").asText());
    }

    @Test
    void previousResponseIdContinuesTheStoredConversation() throws Exception {
        ArrayNode first = run(List.of(NodeClients.call("responses", params(CHAT, "Name a colour.", "instructions", "Be brief."))));
        JsonNode one = value(first.get(0));
        String id = one.path("id").asText();
        ArrayNode r = run(List.of(
                NodeClients.call("responses", params(CHAT, "And another one?", "previous_response_id", id)),
                NodeClients.call("responsesRetrieve", Map.of("id", id)),
                NodeClients.call("responses", params(CHAT, "x", "previous_response_id", "resp_nope"))));
        // instructions are not carried over, as the API says; the conversation is
        ChatEngine.Result want = inProcess(List.of(new ChatEngine.Message("user", "Name a colour."),
                new ChatEngine.Message("assistant", one.path("output_text").asText()), new ChatEngine.Message("user", "And another one?")));
        JsonNode two = value(r.get(0));
        assertEquals(want.text(), two.path("output_text").asText());
        assertEquals(id, two.path("previous_response_id").asText());
        assertEquals(id, value(r.get(1)).path("id").asText(), "retrieve gives the stored response");
        assertEquals(one.at("/output/0/content/0/text"), value(r.get(1)).at("/output/0/content/0/text"));
        JsonNode missing = r.get(2).path("error");
        assertEquals(400, missing.path("status").asInt());
        assertEquals("previous_response_id", missing.path("param").asText());

        ArrayNode d = run(List.of(NodeClients.call("responsesDelete", Map.of("id", id)), NodeClients.call("responsesRetrieve", Map.of("id", id))));
        assertTrue(d.get(0).path("ok").asBoolean(), d.toString());
        assertEquals(404, d.get(1).path("error").path("status").asInt());
    }

    @Test
    void functionCallsAndTheirOutputs() throws Exception {
        List<Map<String, Object>> tools = List.of(Map.of("type", "function", "name", "get_weather",
                "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))));
        Map<String, Object> p = params(SCRIPTED, "Weather in Paris and Oslo?", "tools", tools, "reasoning", Map.of("effort", "high"));
        ArrayNode r = run(List.of(NodeClients.call("responses", p), NodeClients.call("responsesStreamFinal", p),
                NodeClients.call("responsesStream", p)));
        for (int i = 0; i < 2; i++) {
            JsonNode resp = value(r.get(i));
            List<JsonNode> calls = new ArrayList<>();
            String reasoning = null;
            for (JsonNode item : resp.path("output")) {
                if (item.path("type").asText().equals("function_call")) calls.add(item);
                if (item.path("type").asText().equals("reasoning")) reasoning = item.at("/summary/0/text").asText();
            }
            assertEquals(ScriptedAgent.REASONING, reasoning, resp.toString());
            assertEquals(2, calls.size(), resp.toString());
            for (int c = 0; c < 2; c++) {
                assertEquals(ScriptedAgent.CALLS.get(c).id(), calls.get(c).path("call_id").asText());
                assertEquals("get_weather", calls.get(c).path("name").asText());
                assertEquals(ScriptedAgent.CALLS.get(c).arguments(), calls.get(c).path("arguments").asText());
            }
            assertEquals(ScriptedAgent.TEXT, outputText(resp));
            if (i == 0) assertEquals(ScriptedAgent.TEXT, resp.path("output_text").asText());
        }
        StringBuilder args = new StringBuilder();
        for (JsonNode e : value(r.get(2))) {
            if (e.path("type").asText().equals("response.function_call_arguments.delta")) args.append(e.path("delta").asText());
        }
        assertEquals(ScriptedAgent.CALLS.get(0).arguments() + ScriptedAgent.CALLS.get(1).arguments(), args.toString());

        String id = value(r.get(0)).path("id").asText();
        List<Object> outputs = List.of(
                Map.of("type", "function_call_output", "call_id", "call_a", "output", "{\"temp_c\": 21}"),
                Map.of("type", "function_call_output", "call_id", "call_b", "output", "{\"temp_c\": 4}"));
        value(run(List.of(NodeClients.call("responses", params(SCRIPTED, outputs, "previous_response_id", id, "tools", tools)))).get(0));
        List<ChatEngine.Message> seen = agent.last.get().messages();
        ChatEngine.Message assistant = seen.get(seen.size() - 3);
        assertEquals("assistant", assistant.role());
        assertEquals(ScriptedAgent.CALLS, assistant.toolCalls(), "the stored turn's calls");
        assertEquals("tool", seen.get(seen.size() - 2).role());
        assertEquals("call_a", seen.get(seen.size() - 2).toolCallId());
        assertEquals("{\"temp_c\": 4}", seen.getLast().content());
    }

    @Test
    void jsonSchemaTextFormatValidates() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"unit\":{\"enum\":[\"c\",\"f\"]},\"n\":{\"type\":\"integer\",\"minimum\":0,"
                + "\"maximum\":99},\"ok\":{\"type\":\"boolean\"}},\"required\":[\"unit\",\"n\",\"ok\"],\"additionalProperties\":false}";
        Map<String, Object> text = Map.of("format", Map.of("type", "json_schema", "name", "reading", "strict", true,
                "schema", TestServer.JSON.readTree(schema)));
        List<com.fasterxml.jackson.databind.node.ObjectNode> calls = new ArrayList<>();
        for (int seed = 0; seed < 3; seed++) {
            calls.add(NodeClients.call("responses", params(CHAT, "Reading?", "text", text, "temperature", 1.0, "max_output_tokens", 200)));
        }
        calls.add(NodeClients.call("responsesStreamFinal", params(CHAT, "Reading?", "text", text, "max_output_tokens", 200)));
        for (JsonNode res : run(calls)) {
            JsonNode v = value(res);
            assertEquals("completed", v.path("status").asText(), v.toString());
            assertEquals(List.of(), StructuredCorpus.violations(schema, outputText(v)), v.toString());
        }
        JsonNode bad = run(List.of(NodeClients.call("responses", params(CHAT, "x", "text", Map.of("format",
                Map.of("type", "json_schema", "name", "x", "schema", Map.of("type", "string", "format", "uri"))))))).get(0);
        assertFalse(bad.path("ok").asBoolean());
        assertEquals(400, bad.path("error").path("status").asInt());
        assertTrue(bad.path("error").path("message").asText().contains("uri"), bad.toString());
    }
}
