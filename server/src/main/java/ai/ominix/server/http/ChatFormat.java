package ai.ominix.server.http;

import ai.ominix.engine.OutputFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} and {@code response_format} of a
 * chat completion request, as the engine's {@link OutputFormat} (null: free text).
 */
final class ChatFormat {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_TOOLS = 128;

    private ChatFormat() {}

    static OutputFormat parse(ObjectNode body) {
        OutputFormat response = responseFormat(body.get("response_format"));
        List<OutputFormat.Tool> tools = tools(body.get("tools"));
        if (tools.isEmpty()) {
            JsonNode choice = body.get("tool_choice");
            if (choice != null && !choice.isNull() && !(choice.isTextual() && choice.asText().equals("none"))
                    && !(choice.isTextual() && choice.asText().equals("auto"))) {
                throw Fields.invalid("tool_choice", "needs 'tools'");
            }
            return response;
        }
        if (response != null) {
            throw ApiException.badRequest("unsupported_parameter", "response_format",
                    "response_format json_object/json_schema together with tools is not supported: send one or the other");
        }
        return new OutputFormat.Tools(tools, toolChoice(body.get("tool_choice"), tools),
                Fields.optBoolean(body, "parallel_tool_calls", true));
    }

    private static OutputFormat responseFormat(JsonNode rf) {
        if (rf == null || rf.isNull()) return null;
        if (!(rf instanceof ObjectNode o) || !o.path("type").isTextual()) {
            throw Fields.invalid("response_format", "must be an object with a 'type'");
        }
        return switch (o.get("type").asText()) {
            case "text" -> null;
            case "json_object" -> new OutputFormat.JsonObject();
            case "json_schema" -> {
                JsonNode js = o.get("json_schema");
                if (!(js instanceof ObjectNode spec)) throw Fields.invalid("response_format.json_schema", "is required for type json_schema");
                String name = spec.path("name").isTextual() ? spec.get("name").asText() : "response";
                JsonNode schema = spec.get("schema");
                if (!(schema instanceof ObjectNode)) throw Fields.invalid("response_format.json_schema.schema", "must be a JSON schema object");
                yield new OutputFormat.JsonSchema(name, schema.toString(), spec.path("strict").asBoolean(false));
            }
            default -> throw Fields.invalid("response_format.type",
                    "must be text, json_object or json_schema, got '" + Fields.echo(o.get("type").asText()) + "'");
        };
    }

    private static List<OutputFormat.Tool> tools(JsonNode node) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw Fields.invalid("tools", "must be an array");
        if (node.size() > MAX_TOOLS) throw Fields.invalid("tools", "has more than " + MAX_TOOLS + " entries");
        List<OutputFormat.Tool> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = node.get(i);
            if (!"function".equals(t.path("type").asText())) {
                throw ApiException.badRequest("unsupported_parameter", at + ".type", "only tools of type 'function' are supported");
            }
            JsonNode fn = t.path("function");
            out.add(tool(fn, "parameters", at + ".function.", names));
        }
        return out;
    }

    /** One function declaration: its name (unique among {@code names}), description and parameter schema under {@code schemaField}. */
    static OutputFormat.Tool tool(JsonNode fn, String schemaField, String at, Set<String> names) {
        String name = fn.path("name").asText("");
        if (!NAME.matcher(name).matches()) throw Fields.invalid(at + "name", "must be 1 to 64 of a-z, A-Z, 0-9, _ and -");
        if (!names.add(name)) throw Fields.invalid(at + "name", "'" + name + "' is declared twice");
        JsonNode params = fn.get(schemaField);
        if (params != null && !params.isNull() && !params.isObject()) throw Fields.invalid(at + schemaField, "must be a JSON schema object");
        String description = fn.path("description").isTextual() ? fn.get("description").asText() : null;
        return new OutputFormat.Tool(name, description, params == null || params.isNull() ? null : params.toString());
    }

    private static String toolChoice(JsonNode c, List<OutputFormat.Tool> tools) {
        if (c == null || c.isNull()) return OutputFormat.Tools.AUTO;
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "auto", "required", "none" -> c.asText();
                default -> throw Fields.invalid("tool_choice", "must be none, auto, required or {\"type\": \"function\", ...}");
            };
        }
        String name = c.path("function").path("name").asText(null);
        if (!"function".equals(c.path("type").asText()) || name == null) {
            throw Fields.invalid("tool_choice", "must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
        }
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw Fields.invalid("tool_choice", "names '" + Fields.echo(name) + "', which is not among the tools");
        }
        return name;
    }
}
