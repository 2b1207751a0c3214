package ai.ominix.server;

import static ai.ominix.server.support.ChatServer.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.server.support.ChatServer;
import ai.ominix.server.support.NodeClients;
import ai.ominix.server.support.ScriptedAgent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
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
 * Chat for agents through clients nobody here wrote (the OpenAI Node and Java SDKs): choices,
 * logprobs and the sampling options on the real tiny MiniCPM-SALA, compared with the engine
 * in-process; reasoning and tool-call framing (plain and streamed, accumulated by the SDK) on a
 * scripted engine whose answer is known.
 */
class AgentChatTest {

    static final String CHAT = ChatServer.CHAT;
    static final String SCRIPTED = ChatServer.SCRIPTED;
    static final List<Map<String, String>> MESSAGES = List.of(Map.of("role", "user", "content", "Write a short poem about the sea."));

    @TempDir
    static Path root;
    static ChatServer cs;

    @BeforeAll
    static void start() throws Exception {
        cs = ChatServer.start(root, new ScriptedAgent(SCRIPTED));
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
        p.put("messages", MESSAGES);
        p.put("max_tokens", 10);
        p.put("reasoning_effort", "none");
        for (int i = 0; i < kv.length; i += 2) p.put((String) kv[i], kv[i + 1]);
        return p;
    }


    static List<ChatEngine.Result> inProcess(double temperature, Long seed, int n, ChatEngine.Sampling sampling) {
        List<ChatEngine.Message> m = List.of(new ChatEngine.Message("user", MESSAGES.getFirst().get("content")));
        return cs.reference().generate(new ChatEngine.Request(m, temperature, 1, 10, List.of(), seed, true, sampling, null), n,
                Cancellation.none(), null);
    }

    /** Per choice index, the streamed content. */
    static Map<Integer, String> streamedContent(JsonNode chunks, Map<Integer, String> finish) {
        Map<Integer, StringBuilder> text = new LinkedHashMap<>();
        for (JsonNode c : chunks) {
            for (JsonNode choice : c.path("choices")) {
                int i = choice.path("index").asInt();
                text.computeIfAbsent(i, k -> new StringBuilder()).append(choice.path("delta").path("content").asText(""));
                if (choice.path("finish_reason").isTextual()) finish.put(i, choice.path("finish_reason").asText());
            }
        }
        Map<Integer, String> out = new LinkedHashMap<>();
        text.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    @Test
    void choicesAreTheEnginesChoicesPlainAndStreamed() throws Exception {
        List<ChatEngine.Result> want = inProcess(1.3, 21L, 3, ChatEngine.Sampling.DEFAULT);
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, List.of(
                NodeClients.call("chat", params(CHAT, "n", 3, "temperature", 1.3, "top_p", 1, "seed", 21)),
                NodeClients.call("chatStream", params(CHAT, "n", 3, "temperature", 1.3, "top_p", 1, "seed", 21,
                        "stream_options", Map.of("include_usage", true)))));
        JsonNode plain = value(r.get(0));
        assertEquals(3, plain.path("choices").size());
        int completion = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(i, plain.at("/choices/" + i + "/index").asInt());
            assertEquals(want.get(i).text(), plain.at("/choices/" + i + "/message/content").asText(), "choice " + i);
            completion += want.get(i).completionTokens();
        }
        assertEquals(want.getFirst().promptTokens(), plain.at("/usage/prompt_tokens").asInt(), "the prompt counts once");
        assertEquals(completion, plain.at("/usage/completion_tokens").asInt());
        Map<Integer, String> finish = new LinkedHashMap<>();
        Map<Integer, String> streamed = streamedContent(value(r.get(1)), finish);
        for (int i = 0; i < 3; i++) {
            assertEquals(want.get(i).text(), streamed.get(i), "streamed choice " + i);
            assertEquals(want.get(i).finishReason().wire(), finish.get(i));
        }
    }

    @Test
    void logprobsAndSamplingOptionsAreTheEnginesPlainAndStreamed() throws Exception {
        ChatEngine.Sampling s = new ChatEngine.Sampling(40, 0.05, 0.4, 0.3, 1.1, Map.of(5, 3.0), 4);
        ChatEngine.Result want = inProcess(0.9, 8L, 1, s).getFirst();
        Map<String, Object> p = params(CHAT, "temperature", 0.9, "top_p", 1, "seed", 8, "top_k", 40, "min_p", 0.05,
                "presence_penalty", 0.4, "frequency_penalty", 0.3, "repetition_penalty", 1.1, "logit_bias", Map.of("5", 3),
                "logprobs", true, "top_logprobs", 4);
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, List.of(
                NodeClients.call("chat", p), NodeClients.call("chatStream", p)));
        JsonNode plain = value(r.get(0));
        assertEquals(want.text(), plain.at("/choices/0/message/content").asText());
        JsonNode content = plain.at("/choices/0/logprobs/content");
        assertEquals(want.logprobs().size(), content.size());
        for (int i = 0; i < content.size(); i++) {
            ChatEngine.TokenLogprob t = want.logprobs().get(i);
            assertEquals(t.token(), content.get(i).path("token").asText());
            // float32 model: the server's engine and this one agree to float32 rounding
            assertEquals(t.logprob(), content.get(i).path("logprob").asDouble(), 1e-4);
            assertEquals(4, content.get(i).path("top_logprobs").size());
            assertEquals(t.bytes().length, content.get(i).path("bytes").size());
        }
        List<Double> streamed = new ArrayList<>();
        for (JsonNode c : value(r.get(1))) {
            for (JsonNode choice : c.path("choices")) {
                for (JsonNode e : choice.path("logprobs").path("content")) streamed.add(e.path("logprob").asDouble());
            }
        }
        assertEquals(want.logprobs().size(), streamed.size(), "every token's logprob streamed with its text");
        for (int i = 0; i < streamed.size(); i++) assertEquals(want.logprobs().get(i).logprob(), streamed.get(i), 1e-4);
    }

    @Test
    void reasoningAndToolCallsReachTheNodeSdk() throws Exception {
        List<Map<String, Object>> tools = List.of(Map.of("type", "function", "function", Map.of("name", "get_weather",
                "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))));
        Map<String, Object> p = params(SCRIPTED, "tools", tools);
        p.put("reasoning_effort", "high");
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, List.of(
                NodeClients.call("chat", p), NodeClients.call("chatStream", p), NodeClients.call("chatStreamFinal", p),
                NodeClients.call("chat", params(SCRIPTED, "reasoning_effort", "high"))));
        JsonNode plain = value(r.get(0));
        JsonNode msg = plain.at("/choices/0/message");
        assertEquals(ScriptedAgent.REASONING, msg.path("reasoning_content").asText());
        assertEquals("Let me check.", msg.path("content").asText());
        assertEquals("tool_calls", plain.at("/choices/0/finish_reason").asText());
        assertEquals(12, plain.at("/usage/completion_tokens_details/reasoning_tokens").asInt());
        checkCalls(msg.path("tool_calls"));

        StringBuilder reasoning = new StringBuilder();
        for (JsonNode c : value(r.get(1))) {
            for (JsonNode choice : c.path("choices")) reasoning.append(choice.path("delta").path("reasoning_content").asText(""));
        }
        assertEquals(ScriptedAgent.REASONING, reasoning.toString(), "delta.reasoning_content adds up");
        JsonNode accumulated = value(r.get(2));
        checkCalls(accumulated.at("/choices/0/message/tool_calls"));
        assertEquals("tool_calls", accumulated.at("/choices/0/finish_reason").asText());

        JsonNode noTools = value(r.get(3));
        assertTrue(noTools.at("/choices/0/message/tool_calls").isMissingNode() || noTools.at("/choices/0/message/tool_calls").isNull());
        assertEquals("stop", noTools.at("/choices/0/finish_reason").asText());
    }

    private static void checkCalls(JsonNode calls) {
        assertEquals(2, calls.size(), calls.toString());
        for (int i = 0; i < 2; i++) {
            ChatEngine.ToolCall want = ScriptedAgent.CALLS.get(i);
            assertEquals(want.id(), calls.get(i).path("id").asText());
            assertEquals("function", calls.get(i).path("type").asText());
            assertEquals(want.name(), calls.get(i).at("/function/name").asText());
            assertEquals(want.arguments(), calls.get(i).at("/function/arguments").asText());
        }
    }

    @Test
    void javaSdkReadsToolCallsAndLogprobs() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(base()).apiKey("unused").maxRetries(0).build();
        try {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(ChatModel.of(SCRIPTED)).addUserMessage("Weather in Paris and Oslo?")
                    .addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder()
                            .function(com.openai.models.FunctionDefinition.builder().name("get_weather").build()).build())
                    .build());
            List<ChatCompletionMessageToolCall> calls = c.choices().getFirst().message().toolCalls().orElseThrow();
            assertEquals(2, calls.size());
            assertEquals("get_weather", calls.getFirst().asFunction().function().name());
            assertEquals(ScriptedAgent.CALLS.get(1).arguments(), calls.get(1).asFunction().function().arguments());
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().getFirst().finishReason());

            ChatCompletion lp = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(ChatModel.of(CHAT)).addUserMessage(MESSAGES.getFirst().get("content")).maxTokens(6)
                    .temperature(0.0).logprobs(true).topLogprobs(2).build());
            var content = lp.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
            assertFalse(content.isEmpty());
            for (var t : content) {
                assertTrue(t.logprob() <= 0);
                assertEquals(2, t.topLogprobs().size());
            }
        } finally {
            client.close();
        }
    }
}
