package ai.ominix.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The small JSON files of a model directory ({@code config.json}, {@code generation_config.json},
 * the safetensors index, tokenizer configurations): read with one mapper, and every failure a
 * {@link WeightsFormatException} (a {@code ModelLoadException}) naming the file.
 */
public final class JsonFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFile() {}

    /** The parsed file. */
    public static JsonNode read(Path file) {
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            if (node == null) throw new WeightsFormatException(file + " is empty");
            return node;
        } catch (JsonProcessingException e) {
            throw new WeightsFormatException("malformed JSON in " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new WeightsFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The parsed file, which must hold a JSON object. */
    public static ObjectNode readObject(Path file) {
        if (read(file) instanceof ObjectNode o) return o;
        throw new WeightsFormatException(file + " is not a JSON object");
    }
}
