package ai.ominix.models.sala;

import ai.ominix.engine.ChatEngine.ToolCall;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.OutputFormat.Tool;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How MiniCPM-SALA is told about tools and how it calls them. The published template of this
 * model is not available (docs/minicpm-sala.md, open question 1); we use the tokenizer's own
 * {@code <|tool_call|>} special token (id 73442) with Qwen-style JSON, the format MiniCPM4's
 * function-calling data follows most closely:
 * <ul>
 *   <li>the tools, one JSON object per line inside {@code <tools></tools>}, close the system turn
 *       (a system turn is added when the conversation has none);</li>
 *   <li>a call is {@code <|tool_call|>} followed by {@code {"name": ..., "arguments": {...}}};
 *       several calls follow one another; the turn then ends with {@code <|im_end|>};</li>
 *   <li>a tool's result is a turn of the role {@code tool}: {@code <|im_start|>tool\n...<|im_end|>}.</li>
 * </ul>
 * The call's JSON is generated under the constraint of the tools' parameter schemas, so it always
 * parses (the engine's constraint, not this class, guarantees it).
 */
final class SalaToolFormat {

    static final String TOOL_CALL = "<|tool_call|>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SalaToolFormat() {}

    /** The text that tells the model about its tools, appended to the system turn. */
    static String systemBlock(List<Tool> tools) {
        StringBuilder out = new StringBuilder("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n");
        for (Tool t : tools) {
            ObjectNode fn = JSON.createObjectNode();
            fn.put("type", "function");
            ObjectNode f = fn.putObject("function");
            f.put("name", t.name());
            if (t.description() != null) f.put("description", t.description());
            f.set("parameters", t.parameters() == null ? JSON.createObjectNode() : parse(t.parameters(), "tools"));
            out.append(fn).append('\n');
        }
        return out.append("</tools>\n\nTo call a function, write ").append(TOOL_CALL)
                .append(" followed by a JSON object with the function's name and arguments:\n")
                .append(TOOL_CALL).append("{\"name\": <function-name>, \"arguments\": <arguments-json-object>}")
                .toString();
    }

    /** An assistant turn's calls as the model writes them. */
    static String calls(List<ToolCall> calls) {
        StringBuilder out = new StringBuilder();
        for (ToolCall c : calls) {
            ObjectNode call = JSON.createObjectNode();
            call.put("name", c.name());
            call.set("arguments", c.arguments() == null || c.arguments().isBlank()
                    ? JSON.createObjectNode() : parse(c.arguments(), "messages"));
            out.append(TOOL_CALL).append(call);
        }
        return out.toString();
    }

    /** A generated call's JSON text (already valid: it was constrained) → the call, its arguments compact. */
    static ToolCall parseCall(String id, String json) {
        JsonNode call = parse(json, "tool_call");
        return new ToolCall(id, call.path("name").asText(), call.path("arguments").toString());
    }

    private static JsonNode parse(String json, String param) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("invalid_value", param, "not valid JSON: " + e.getOriginalMessage());
        }
    }
}
