package ai.ominix.server.store;

import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Facts read from a model directory: its {@code config.json} and weight files. */
public final class ModelDirs {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelDirs() {}

    /** Quantization of an MLX export ({@code quantization} or {@code quantization_config}). */
    public record Quantization(int bits, int groupSize) {}

    public static boolean looksLikeModel(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("config.json"));
    }

    public static JsonNode config(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) throw new ModelLoadException(dir + " has no config.json; is it a model directory?");
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            if (node == null || !node.isObject()) throw new ModelLoadException(file + " is not a JSON object");
            return node;
        } catch (IOException e) {
            throw new ModelLoadException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@code model_type} of the config, or throws with a message naming the file. */
    public static String modelType(Path dir) {
        JsonNode type = config(dir).get("model_type");
        if (type == null || !type.isTextual()) {
            throw new ModelLoadException(dir.resolve("config.json") + " has no model_type");
        }
        return type.asText();
    }

    /** The quantization block, or null when the model is not quantized or the config is unreadable. */
    public static Quantization quantization(Path dir) {
        try {
            JsonNode cfg = config(dir);
            for (String key : new String[] {"quantization", "quantization_config"}) {
                JsonNode q = cfg.get(key);
                if (q != null && q.path("bits").isInt()) {
                    return new Quantization(q.get("bits").asInt(), q.path("group_size").asInt(64));
                }
            }
        } catch (ModelLoadException e) {
            return null;
        }
        return null;
    }

    /** Total bytes of the weight files (following the hub cache's symlinks). */
    public static long weightBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(ModelDirs::isWeightFile).mapToLong(ModelDirs::sizeOrZero).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isWeightFile(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".safetensors") || n.endsWith(".bin") || n.endsWith(".gguf") || n.endsWith(".npz");
    }

    private static long sizeOrZero(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
