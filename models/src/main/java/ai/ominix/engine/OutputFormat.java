package ai.ominix.engine;

import java.util.List;

/**
 * What an answer must be, enforced while it is generated (constrained decoding): any JSON object,
 * a JSON document matching a schema, or tool calls whose arguments match each tool's parameter
 * schema. Schemas are JSON texts; the engine compiles them against its tokenizer.
 */
public sealed interface OutputFormat {

    /** {@code response_format: {"type": "json_object"}}. */
    record JsonObject() implements OutputFormat {}

    /** {@code response_format: {"type": "json_schema", ...}}. */
    record JsonSchema(String name, String schema, boolean strict) implements OutputFormat {}

    /** A function the model may call: its name, description and parameter schema (a JSON text). */
    record Tool(String name, String description, String parameters) {}

    /**
     * {@code tools} with {@code tool_choice}.
     *
     * @param choice   auto (text or calls), required (at least one call), none (text only; the
     *                 tools are still shown to the model), or the name of the one function to call
     * @param parallel more than one call per answer
     */
    record Tools(List<Tool> tools, String choice, boolean parallel) implements OutputFormat {
        public static final String AUTO = "auto";
        public static final String REQUIRED = "required";
        public static final String NONE = "none";

        public Tools {
            tools = List.copyOf(tools);
        }
    }
}
