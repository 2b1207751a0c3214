package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The JSON of chat completion answers: messages, tool calls, logprobs and usage as OpenAI writes them. */
final class ChatJson {

    private ChatJson() {}

    /** {@code choices[i].message}. */
    static ObjectNode message(ChatEngine.Result r) {
        ObjectNode m = Json.object().put("role", "assistant");
        if (r.text().isEmpty() && !r.toolCalls().isEmpty()) m.putNull("content"); else m.put("content", r.text());
        if (r.reasoning() != null) m.put("reasoning_content", r.reasoning());
        if (!r.toolCalls().isEmpty()) {
            ArrayNode calls = m.putArray("tool_calls");
            for (int i = 0; i < r.toolCalls().size(); i++) calls.add(toolCall(r.toolCalls().get(i), null));
        }
        return m;
    }

    /** One call; with {@code index} as a streamed {@code delta.tool_calls} entry. */
    static ObjectNode toolCall(ChatEngine.ToolCall c, Integer index) {
        ObjectNode o = Json.object();
        if (index != null) o.put("index", index);
        o.put("id", c.id()).put("type", "function");
        o.putObject("function").put("name", c.name()).put("arguments", c.arguments());
        return o;
    }

    /** {@code choices[i].logprobs}: {@code {"content": [...]}}. */
    static ObjectNode logprobs(List<ChatEngine.TokenLogprob> tokens) {
        ObjectNode o = Json.object();
        ArrayNode content = o.putArray("content");
        for (ChatEngine.TokenLogprob t : tokens) {
            ObjectNode e = entry(t);
            ArrayNode top = e.putArray("top_logprobs");
            for (ChatEngine.TokenLogprob alt : t.top()) top.add(entry(alt));
            content.add(e);
        }
        o.putArray("refusal");
        return o;
    }

    private static ObjectNode entry(ChatEngine.TokenLogprob t) {
        ObjectNode e = Json.object().put("token", t.token()).put("logprob", t.logprob());
        ArrayNode bytes = e.putArray("bytes");
        for (byte b : t.bytes()) bytes.add(b & 0xFF);
        return e;
    }

    /** Usage of all choices of one request: the prompt counted once (it was prefilled once). */
    static void usage(ObjectNode body, List<ChatEngine.Result> results) {
        int prompt = results.getFirst().promptTokens();
        int completion = 0;
        int reasoning = 0;
        for (ChatEngine.Result r : results) {
            completion += r.completionTokens();
            reasoning += r.reasoningTokens();
        }
        ObjectNode u = body.putObject("usage")
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
        u.putObject("prompt_tokens_details").put("cached_tokens", results.getFirst().cachedTokens());
    }
}
