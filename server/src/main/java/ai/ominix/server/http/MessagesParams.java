package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.OutputFormat;
import ai.ominix.server.engine.KeepAlive;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated Anthropic Messages API body ({@code POST /v1/messages}) as a chat request:
 * {@code system}, {@code messages} of text, {@code tool_use} and {@code tool_result} blocks,
 * {@code max_tokens} (required there, so here too), sampling, {@code stop_sequences},
 * {@code tools}/{@code tool_choice}, {@code thinking}.
 */
record MessagesParams(String model, ChatEngine.Request request, boolean stream, KeepAlive keepAlive) {
    private static final int MAX_STOP = 16;
    private static final int MAX_TOOLS = 128;

    static MessagesParams parse(ObjectNode body, ChatParams.Defaults defaults) {
        String model = Fields.optString(body, "model", 256);
        List<ChatEngine.Message> messages = new ArrayList<>();
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) messages.add(new ChatEngine.Message("system", text(system, "system")));
        JsonNode list = body.get("messages");
        if (list == null || !list.isArray() || list.isEmpty()) throw Fields.invalid("messages", "must be a non-empty array");
        for (int i = 0; i < list.size(); i++) message(list.get(i), "messages[" + i + "]", messages);
        Long maxTokens = Fields.optInteger(body, "max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) throw Fields.invalid("max_tokens", "is required");
        Double temperature = Fields.optNumber(body, "temperature", 0, 2);
        Double topP = Fields.optNumber(body, "top_p", 0, 1);
        if (topP != null && topP == 0) throw Fields.invalid("top_p", "must be greater than 0");
        Long topK = Fields.optInteger(body, "top_k", 0, Integer.MAX_VALUE);
        List<String> stop = Fields.optStrings(body, "stop_sequences", MAX_STOP, 256);
        var sampling = new ChatEngine.Sampling(topK == null ? 0 : topK.intValue(), 0, 0, 0, 1, java.util.Map.of(), -1);
        var request = new ChatEngine.Request(messages, temperature != null ? temperature : defaults.temperature(),
                topP != null ? topP : defaults.topP(), maxTokens.intValue(), List.copyOf(stop), null, !thinking(body),
                sampling, tools(body));
        return new MessagesParams(model, request, Fields.optBoolean(body, "stream", false), KeepAlive.ofField(body.get("keep_alive")));
    }

    /** Thinking is off unless asked for ({@code thinking: {"type": "enabled"}}), as Claude clients expect. */
    private static boolean thinking(ObjectNode body) {
        JsonNode t = body.get("thinking");
        if (t == null || t.isNull()) return false;
        return switch (t.path("type").asText("")) {
            case "enabled" -> true;
            case "disabled" -> false;
            default -> throw Fields.invalid("thinking.type", "must be enabled or disabled");
        };
    }

    /** A string, or text blocks joined. */
    private static String text(JsonNode content, String at) {
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw Fields.invalid(at, "must be a string or an array of content blocks");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            if (!"text".equals(b.path("type").asText())) {
                throw ApiException.badRequest("unsupported_parameter", at + "[" + i + "].type",
                        "only text blocks are supported here, got '" + Fields.echo(b.path("type").asText()) + "'");
            }
            s.append(b.path("text").asText());
        }
        return s.toString();
    }

    /** One message: a user turn (text, tool results), or an assistant turn (text, tool uses). */
    private static void message(JsonNode m, String at, List<ChatEngine.Message> out) {
        String role = m.path("role").asText("");
        if (!role.equals("user") && !role.equals("assistant")) throw Fields.invalid(at + ".role", "must be user or assistant");
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) throw Fields.invalid(at + ".content", "is required");
        if (content.isTextual()) {
            out.add(new ChatEngine.Message(role, content.asText()));
            return;
        }
        if (!content.isArray()) throw Fields.invalid(at + ".content", "must be a string or an array of content blocks");
        StringBuilder text = new StringBuilder();
        List<ChatEngine.ToolCall> uses = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            String bat = at + ".content[" + i + "]";
            switch (b.path("type").asText("")) {
                case "text" -> text.append(b.path("text").asText());
                case "thinking", "redacted_thinking" -> { } // the model's own past reasoning is not shown to it again
                case "tool_use" -> {
                    if (!role.equals("assistant")) throw Fields.invalid(bat + ".type", "tool_use blocks belong to assistant turns");
                    JsonNode input = b.path("input");
                    uses.add(new ChatEngine.ToolCall(b.path("id").asText(""), b.path("name").asText(""),
                            input.isMissingNode() ? "{}" : input.toString()));
                }
                case "tool_result" -> {
                    if (!role.equals("user")) throw Fields.invalid(bat + ".type", "tool_result blocks belong to user turns");
                    String id = b.path("tool_use_id").asText("");
                    if (id.isEmpty()) throw Fields.invalid(bat + ".tool_use_id", "is required");
                    JsonNode c = b.get("content");
                    String result = c == null || c.isNull() ? "" : text(c, bat + ".content");
                    if (b.path("is_error").asBoolean(false)) result = "Error: " + result;
                    out.add(new ChatEngine.Message("tool", result, List.of(), id));
                }
                default -> throw ApiException.badRequest("unsupported_parameter", bat + ".type",
                        "content blocks of type '" + Fields.echo(b.path("type").asText()) + "' are not supported (text, tool_use, tool_result)");
            }
        }
        if (!text.isEmpty() || !uses.isEmpty() || role.equals("assistant")) {
            out.add(new ChatEngine.Message(role, text.toString(), uses, null));
        }
    }

    private static OutputFormat tools(ObjectNode body) {
        JsonNode node = body.get("tools");
        JsonNode choice = body.get("tool_choice");
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            if (choice != null && !choice.isNull() && !List.of("auto", "none").contains(choice.path("type").asText())) {
                throw Fields.invalid("tool_choice", "needs 'tools'");
            }
            return null;
        }
        if (!node.isArray()) throw Fields.invalid("tools", "must be an array");
        if (node.size() > MAX_TOOLS) throw Fields.invalid("tools", "has more than " + MAX_TOOLS + " entries");
        List<OutputFormat.Tool> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (t.has("type") && !t.path("type").asText().equals("custom")) {
                throw ApiException.badRequest("unsupported_parameter", "tools[" + i + "].type",
                        "server tools ('" + Fields.echo(t.path("type").asText()) + "') are not supported; declare functions with input_schema");
            }
            tools.add(ChatFormat.tool(t, "input_schema", "tools[" + i + "].", names));
        }
        String mode = OutputFormat.Tools.AUTO;
        boolean parallel = true;
        if (choice != null && !choice.isNull()) {
            parallel = !choice.path("disable_parallel_tool_use").asBoolean(false);
            mode = switch (choice.path("type").asText("")) {
                case "auto" -> OutputFormat.Tools.AUTO;
                case "any" -> OutputFormat.Tools.REQUIRED;
                case "none" -> OutputFormat.Tools.NONE;
                case "tool" -> {
                    String name = choice.path("name").asText("");
                    if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                        throw Fields.invalid("tool_choice.name", "names '" + Fields.echo(name) + "', which is not among the tools");
                    }
                    yield name;
                }
                default -> throw Fields.invalid("tool_choice.type", "must be auto, any, tool or none");
            };
        }
        return new OutputFormat.Tools(tools, mode, parallel);
    }
}
