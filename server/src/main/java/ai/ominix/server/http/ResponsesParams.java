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
 * A validated OpenAI Responses API body ({@code POST /v1/responses}): {@code input} (text, or
 * message / function_call / function_call_output items), {@code instructions},
 * {@code previous_response_id} (its conversation comes first), {@code max_output_tokens},
 * sampling, {@code tools} (functions) with {@code tool_choice} and {@code parallel_tool_calls},
 * {@code text.format}, {@code reasoning.effort}, {@code stream}, {@code store}.
 *
 * @param input the turn's own messages (instructions and the previous conversation not included)
 */
record ResponsesParams(String model, String instructions, List<ChatEngine.Message> input, String previousId,
                       double temperature, double topP, int maxOutputTokens, boolean noThink, OutputFormat format,
                       boolean stream, boolean store, KeepAlive keepAlive, ObjectNode body) {
    private static final int MAX_TOOLS = 128;

    static ResponsesParams parse(ObjectNode body, ChatParams.Defaults defaults) {
        String model = Fields.optString(body, "model", 256);
        String instructions = Fields.optString(body, "instructions", 1 << 20);
        JsonNode in = body.get("input");
        if (in == null || in.isNull()) throw Fields.invalid("input", "is required");
        List<ChatEngine.Message> input = input(in);
        String previous = Fields.optString(body, "previous_response_id", 256);
        Double temperature = Fields.optNumber(body, "temperature", 0, 2);
        Double topP = Fields.optNumber(body, "top_p", 0, 1);
        if (topP != null && topP == 0) throw Fields.invalid("top_p", "must be greater than 0");
        Long max = Fields.optInteger(body, "max_output_tokens", 1, Integer.MAX_VALUE);
        return new ResponsesParams(model, instructions, input, previous,
                temperature != null ? temperature : defaults.temperature(), topP != null ? topP : defaults.topP(),
                max != null ? max.intValue() : defaults.maxTokens(), noThink(body, defaults), format(body),
                Fields.optBoolean(body, "stream", false), Fields.optBoolean(body, "store", true),
                KeepAlive.ofField(body.get("keep_alive")), body);
    }

    /** The engine request: instructions, then the conversation so far, then this turn's input. */
    ChatEngine.Request request(List<ChatEngine.Message> conversation) {
        List<ChatEngine.Message> messages = new ArrayList<>();
        if (instructions != null) messages.add(new ChatEngine.Message("system", instructions));
        messages.addAll(conversation);
        return new ChatEngine.Request(messages, temperature, topP, maxOutputTokens, List.of(), null, noThink,
                ChatEngine.Sampling.DEFAULT, format);
    }

    private static boolean noThink(ObjectNode body, ChatParams.Defaults defaults) {
        JsonNode r = body.get("reasoning");
        if (r == null || r.isNull() || !r.has("effort") || r.get("effort").isNull()) return defaults.noThink();
        return switch (r.get("effort").asText()) {
            case "none", "minimal" -> true;
            case "low", "medium", "high" -> false;
            default -> throw Fields.invalid("reasoning.effort", "must be none, minimal, low, medium or high");
        };
    }

    private static List<ChatEngine.Message> input(JsonNode in) {
        if (in.isTextual()) return List.of(new ChatEngine.Message("user", in.asText()));
        if (!in.isArray() || in.isEmpty()) throw Fields.invalid("input", "must be a string or a non-empty array of items");
        List<ChatEngine.Message> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            JsonNode item = in.get(i);
            String at = "input[" + i + "]";
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText("");
                    if (role.equals("developer")) role = "system";
                    if (!List.of("user", "assistant", "system").contains(role)) {
                        throw Fields.invalid(at + ".role", "must be user, assistant, system or developer");
                    }
                    out.add(new ChatEngine.Message(role, text(item.get("content"), at + ".content")));
                }
                case "function_call" -> {
                    var call = new ChatEngine.ToolCall(item.path("call_id").asText(""), item.path("name").asText(""),
                            item.path("arguments").asText("{}"));
                    if (call.id().isEmpty() || call.name().isEmpty()) throw Fields.invalid(at, "a function_call needs call_id and name");
                    ChatEngine.Message last = out.isEmpty() ? null : out.getLast();
                    if (last != null && last.role().equals("assistant") && !last.toolCalls().isEmpty()) {
                        List<ChatEngine.ToolCall> calls = new ArrayList<>(last.toolCalls()); // parallel calls: one assistant turn
                        calls.add(call);
                        out.set(out.size() - 1, new ChatEngine.Message("assistant", last.content(), calls, null));
                    } else if (last != null && last.role().equals("assistant")) {
                        out.set(out.size() - 1, new ChatEngine.Message("assistant", last.content(), List.of(call), null));
                    } else {
                        out.add(new ChatEngine.Message("assistant", "", List.of(call), null));
                    }
                }
                case "function_call_output" -> {
                    String id = item.path("call_id").asText("");
                    if (id.isEmpty()) throw Fields.invalid(at + ".call_id", "is required");
                    JsonNode output = item.get("output");
                    String text = output == null || output.isNull() ? "" : output.isTextual() ? output.asText() : text(output, at + ".output");
                    out.add(new ChatEngine.Message("tool", text, List.of(), id));
                }
                case "reasoning" -> { } // the model's earlier reasoning is not shown to it again
                default -> throw ApiException.badRequest("unsupported_parameter", at + ".type",
                        "input items of type '" + Fields.echo(type) + "' are not supported (message, function_call, function_call_output)");
            }
        }
        return out;
    }

    /** A string, or text parts ({@code input_text}, {@code output_text}) joined. */
    private static String text(JsonNode content, String at) {
        if (content == null || content.isNull()) throw Fields.invalid(at, "is required");
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw Fields.invalid(at, "must be a string or an array of content parts");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText("");
            if (!List.of("input_text", "output_text", "text").contains(type)) {
                throw ApiException.badRequest("unsupported_parameter", at + "[" + i + "].type",
                        "content parts of type '" + Fields.echo(type) + "' are not supported (input_text, output_text)");
            }
            s.append(part.path("text").asText());
        }
        return s.toString();
    }

    private static OutputFormat format(ObjectNode body) {
        OutputFormat text = textFormat(body.get("text"));
        JsonNode node = body.get("tools");
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) return text;
        if (!node.isArray()) throw Fields.invalid("tools", "must be an array");
        if (node.size() > MAX_TOOLS) throw Fields.invalid("tools", "has more than " + MAX_TOOLS + " entries");
        if (text != null) {
            throw ApiException.badRequest("unsupported_parameter", "text.format",
                    "text.format json_object/json_schema together with tools is not supported: send one or the other");
        }
        List<OutputFormat.Tool> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (!"function".equals(t.path("type").asText())) {
                throw ApiException.badRequest("unsupported_parameter", "tools[" + i + "].type",
                        "only tools of type 'function' are supported, got '" + Fields.echo(t.path("type").asText()) + "'");
            }
            tools.add(ChatFormat.tool(t, "parameters", "tools[" + i + "].", names));
        }
        return new OutputFormat.Tools(tools, toolChoice(body.get("tool_choice"), tools), Fields.optBoolean(body, "parallel_tool_calls", true));
    }

    private static String toolChoice(JsonNode c, List<OutputFormat.Tool> tools) {
        if (c == null || c.isNull()) return OutputFormat.Tools.AUTO;
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "auto", "required", "none" -> c.asText();
                default -> throw Fields.invalid("tool_choice", "must be none, auto, required or {\"type\": \"function\", \"name\": ...}");
            };
        }
        String name = c.path("name").asText("");
        if (!"function".equals(c.path("type").asText()) || tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw Fields.invalid("tool_choice", "must be none, auto, required or {\"type\": \"function\", \"name\"} of a declared tool");
        }
        return name;
    }

    /** {@code text: {"format": {"type": "text" | "json_object" | "json_schema", "name", "schema", "strict"}}}. */
    private static OutputFormat textFormat(JsonNode text) {
        if (text == null || text.isNull() || !text.has("format") || text.get("format").isNull()) return null;
        JsonNode f = text.get("format");
        return switch (f.path("type").asText("")) {
            case "text" -> null;
            case "json_object" -> new OutputFormat.JsonObject();
            case "json_schema" -> {
                JsonNode schema = f.get("schema");
                if (!(schema instanceof ObjectNode)) throw Fields.invalid("text.format.schema", "must be a JSON schema object");
                yield new OutputFormat.JsonSchema(f.path("name").asText("response"), schema.toString(), f.path("strict").asBoolean(false));
            }
            default -> throw Fields.invalid("text.format.type", "must be text, json_object or json_schema");
        };
    }
}
