package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import ai.ominix.server.engine.KeepAlive;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated {@code POST /v1/chat/completions} body.
 *
 * @param keepAlive the request's {@code keep_alive} for its model, or null
 */
public record ChatParams(String model, ChatEngine.Request request, boolean stream, boolean includeUsage, KeepAlive keepAlive) {

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

    private static final int MAX_MESSAGES = 10_000;
    private static final int MAX_STOP = 4;

    public static ChatParams parse(ObjectNode body, Defaults defaults) {
        String model = Fields.optString(body, "model", 256);
        List<ChatEngine.Message> messages = messages(body.get("messages"));
        Double temperature = Fields.optNumber(body, "temperature", 0, 2);
        Double topP = Fields.optNumber(body, "top_p", 0, 1);
        if (topP != null && topP == 0) throw Fields.invalid("top_p", "must be greater than 0");
        Long maxTokens = Fields.optInteger(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) maxTokens = Fields.optInteger(body, "max_tokens", 1, Integer.MAX_VALUE);
        List<String> stop = Fields.optStrings(body, "stop", MAX_STOP, 256);
        Long seed = Fields.optInteger(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Fields.optInteger(body, "n", 1, 1); // one choice only
        for (String penalty : new String[] {"presence_penalty", "frequency_penalty"}) {
            Double p = Fields.optNumber(body, penalty, -2, 2);
            if (p != null && p != 0) {
                throw ApiException.badRequest("unsupported_parameter", penalty, "'" + penalty + "' is not supported (only 0)");
            }
        }
        rejectUnsupported(body);
        boolean stream = Fields.optBoolean(body, "stream", false);
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!(so instanceof ObjectNode soObj)) throw Fields.invalid("stream_options", "must be an object");
            includeUsage = Fields.optBoolean(soObj, "include_usage", false);
        }
        boolean noThink = defaults.noThink();
        JsonNode kwargs = body.get("chat_template_kwargs");
        if (kwargs instanceof ObjectNode k && k.has("enable_thinking")) {
            noThink = !Fields.optBoolean(k, "enable_thinking", true);
        }
        var request = new ChatEngine.Request(messages,
                temperature != null ? temperature : defaults.temperature(),
                topP != null ? topP : defaults.topP(),
                maxTokens != null ? maxTokens.intValue() : defaults.maxTokens(),
                List.copyOf(stop), seed, noThink);
        return new ChatParams(model, request, stream, includeUsage, KeepAlive.ofField(body.get("keep_alive")));
    }

    /** Features a client would silently lose if they were ignored. */
    private static void rejectUnsupported(ObjectNode body) {
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull() && !(tools.isArray() && tools.isEmpty())) {
            throw ApiException.badRequest("unsupported_parameter", "tools", "tool calling is not supported by this server");
        }
        if (Fields.optBoolean(body, "logprobs", false)) {
            throw ApiException.badRequest("unsupported_parameter", "logprobs", "logprobs are not supported by this server");
        }
        JsonNode rf = body.get("response_format");
        if (rf != null && !rf.isNull() && !"text".equals(rf.path("type").asText())) {
            throw ApiException.badRequest("unsupported_parameter", "response_format",
                    "only response_format {\"type\": \"text\"} is supported");
        }
    }

    private static List<ChatEngine.Message> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("missing_parameter", "messages", "'messages' is required");
        }
        if (!node.isArray() || node.isEmpty()) throw Fields.invalid("messages", "must be a non-empty array");
        if (node.size() > MAX_MESSAGES) throw Fields.invalid("messages", "has more than " + MAX_MESSAGES + " entries");
        List<ChatEngine.Message> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String where = "messages[" + i + "]";
            if (!(node.get(i) instanceof ObjectNode m)) throw Fields.invalid(where, "must be an object");
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) throw Fields.invalid(where + ".role", "is required");
            String r = switch (role.asText().toLowerCase(Locale.ROOT)) {
                case "system", "developer" -> "system";
                case "user" -> "user";
                case "assistant" -> "assistant";
                default -> throw Fields.invalid(where + ".role",
                        "must be system, user or assistant, got '" + Fields.echo(role.asText()) + "'");
            };
            out.add(new ChatEngine.Message(r, content(m.get("content"), where + ".content")));
        }
        return out;
    }

    /** A string, or the OpenAI array of content parts of which only {@code text} parts are supported. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) throw Fields.invalid(where, "is required");
        if (c.isTextual()) return c.asText();
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw Fields.invalid(where, "parts must be {\"type\": \"text\", \"text\": ...}; only text is supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw Fields.invalid(where, "must be a string");
    }
}
