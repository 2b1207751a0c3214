package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code messages} of a chat completion request: system/developer, user, assistant (text
 * and/or {@code tool_calls}) and {@code tool} results (with their {@code tool_call_id}).
 */
final class ChatMessages {

    private static final int MAX_MESSAGES = 10_000;

    private ChatMessages() {}

    static List<ChatEngine.Message> parse(JsonNode node) {
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
            out.add(switch (role.asText().toLowerCase(Locale.ROOT)) {
                case "system", "developer" -> new ChatEngine.Message("system", content(m.get("content"), where + ".content"));
                case "user" -> new ChatEngine.Message("user", content(m.get("content"), where + ".content"));
                case "assistant" -> assistant(m, where);
                case "tool" -> {
                    String id = m.path("tool_call_id").isTextual() ? m.get("tool_call_id").asText() : null;
                    if (id == null) throw Fields.invalid(where + ".tool_call_id", "is required for a tool message");
                    yield new ChatEngine.Message("tool", content(m.get("content"), where + ".content"), List.of(), id);
                }
                default -> throw Fields.invalid(where + ".role",
                        "must be system, developer, user, assistant or tool, got '" + Fields.echo(role.asText()) + "'");
            });
        }
        return out;
    }

    private static ChatEngine.Message assistant(ObjectNode m, String where) {
        JsonNode calls = m.get("tool_calls");
        List<ChatEngine.ToolCall> toolCalls = new ArrayList<>();
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray()) throw Fields.invalid(where + ".tool_calls", "must be an array");
            for (int j = 0; j < calls.size(); j++) {
                String at = where + ".tool_calls[" + j + "]";
                JsonNode c = calls.get(j);
                JsonNode fn = c.path("function");
                if (!fn.path("name").isTextual()) throw Fields.invalid(at + ".function.name", "is required");
                JsonNode args = fn.get("arguments");
                String arguments = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
                try {
                    if (!Json.MAPPER.readTree(arguments).isObject()) throw Fields.invalid(at + ".function.arguments", "must be a JSON object");
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw Fields.invalid(at + ".function.arguments", "must be a JSON object text: " + e.getOriginalMessage());
                }
                toolCalls.add(new ChatEngine.ToolCall(c.path("id").asText(null), fn.get("name").asText(), arguments));
            }
        }
        JsonNode c = m.get("content");
        String text = (c == null || c.isNull()) && !toolCalls.isEmpty() ? "" : content(c, where + ".content");
        return new ChatEngine.Message("assistant", text, toolCalls, null);
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
