package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import ai.ominix.server.engine.KeepAlive;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /v1/chat/completions} body.
 *
 * @param n         choices to generate (1 to 8)
 * @param keepAlive the request's {@code keep_alive} for its model, or null
 */
public record ChatParams(String model, ChatEngine.Request request, int n, boolean stream, boolean includeUsage,
                         KeepAlive keepAlive) {

    /** Server-wide defaults for fields a request leaves out ({@code ominix serve} flags). */
    public record Defaults(double temperature, double topP, int maxTokens, boolean noThink) {
        public Defaults {
            if (!(temperature >= 0 && temperature <= 2)) throw new IllegalArgumentException("--temperature must be in [0, 2]");
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1]");
            if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1");
        }

        public static Defaults standard() {
            return new Defaults(0.7, 1.0, 2048, false);
        }
    }

    private static final int MAX_STOP = 4;
    public static final int MAX_CHOICES = 8;

    public static ChatParams parse(ObjectNode body, Defaults defaults) {
        String model = Fields.optString(body, "model", 256);
        List<ChatEngine.Message> messages = ChatMessages.parse(body.get("messages"));
        Double temperature = Fields.optNumber(body, "temperature", 0, 2);
        Double topP = Fields.optNumber(body, "top_p", 0, 1);
        if (topP != null && topP == 0) throw Fields.invalid("top_p", "must be greater than 0");
        Long maxTokens = Fields.optInteger(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) maxTokens = Fields.optInteger(body, "max_tokens", 1, Integer.MAX_VALUE);
        List<String> stop = Fields.optStrings(body, "stop", MAX_STOP, 256);
        Long seed = Fields.optInteger(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Long n = Fields.optInteger(body, "n", 1, MAX_CHOICES);
        boolean stream = Fields.optBoolean(body, "stream", false);
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!(so instanceof ObjectNode soObj)) throw Fields.invalid("stream_options", "must be an object");
            includeUsage = Fields.optBoolean(soObj, "include_usage", false);
        }
        var request = new ChatEngine.Request(messages,
                temperature != null ? temperature : defaults.temperature(),
                topP != null ? topP : defaults.topP(),
                maxTokens != null ? maxTokens.intValue() : defaults.maxTokens(),
                List.copyOf(stop), seed, noThink(body, defaults), sampling(body), ChatFormat.parse(body));
        return new ChatParams(model, request, n == null ? 1 : n.intValue(), stream, includeUsage,
                KeepAlive.ofField(body.get("keep_alive")));
    }

    /** {@code reasoning_effort} none/minimal, or {@code chat_template_kwargs.enable_thinking: false}, turn thinking off. */
    private static boolean noThink(ObjectNode body, Defaults defaults) {
        boolean noThink = defaults.noThink();
        String effort = Fields.optString(body, "reasoning_effort", 16);
        if (effort != null) {
            noThink = switch (effort) {
                case "none", "minimal" -> true;
                case "low", "medium", "high" -> false;
                default -> throw Fields.invalid("reasoning_effort", "must be none, minimal, low, medium or high");
            };
        }
        JsonNode kwargs = body.get("chat_template_kwargs");
        if (kwargs instanceof ObjectNode k && k.has("enable_thinking")) {
            noThink = !Fields.optBoolean(k, "enable_thinking", true);
        }
        return noThink;
    }

    private static ChatEngine.Sampling sampling(ObjectNode body) {
        Long topK = Fields.optInteger(body, "top_k", 0, Integer.MAX_VALUE);
        Double minP = Fields.optNumber(body, "min_p", 0, 1);
        Double presence = Fields.optNumber(body, "presence_penalty", -2, 2);
        Double frequency = Fields.optNumber(body, "frequency_penalty", -2, 2);
        Double repetition = Fields.optNumber(body, "repetition_penalty", 0, 10);
        if (repetition != null && repetition == 0) throw Fields.invalid("repetition_penalty", "must be greater than 0");
        boolean logprobs = Fields.optBoolean(body, "logprobs", false);
        Long top = Fields.optInteger(body, "top_logprobs", 0, 20);
        if (top != null && !logprobs) throw Fields.invalid("top_logprobs", "needs 'logprobs': true");
        Map<Integer, Double> bias = new HashMap<>();
        JsonNode lb = body.get("logit_bias");
        if (lb != null && !lb.isNull()) {
            if (!(lb instanceof ObjectNode b)) throw Fields.invalid("logit_bias", "must be an object of token id to bias");
            if (b.size() > 1024) throw Fields.invalid("logit_bias", "has more than 1024 entries");
            for (var e : b.properties()) {
                int id;
                try {
                    id = Integer.parseInt(e.getKey().strip());
                } catch (NumberFormatException x) {
                    throw Fields.invalid("logit_bias", "keys must be token ids, got '" + Fields.echo(e.getKey()) + "'");
                }
                if (!e.getValue().isNumber() || !(Math.abs(e.getValue().asDouble()) <= 100)) {
                    throw Fields.invalid("logit_bias", "values must be numbers between -100 and 100");
                }
                bias.put(id, e.getValue().asDouble());
            }
        }
        return new ChatEngine.Sampling(topK == null ? 0 : topK.intValue(), minP == null ? 0 : minP,
                presence == null ? 0 : presence, frequency == null ? 0 : frequency, repetition == null ? 1 : repetition,
                bias, logprobs ? (top == null ? 0 : top.intValue()) : -1);
    }
}
