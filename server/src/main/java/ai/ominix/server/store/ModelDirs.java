package ai.ominix.server.store;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.weights.JsonFile;
import ai.ominix.weights.QuantizationConfig;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Facts read from a model directory: its {@code config.json} and weight files. */
public final class ModelDirs {
    private ModelDirs() {}

    public static boolean looksLikeModel(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("config.json"));
    }

    public static JsonNode config(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) throw new ModelLoadException(dir + " has no config.json; is it a model directory?");
        return JsonFile.readObject(file);
    }

    /** {@code model_type} of the config, or throws with a message naming the file. */
    public static String modelType(Path dir) {
        JsonNode type = config(dir).get("model_type");
        if (type == null || !type.isTextual()) {
            throw new ModelLoadException(dir.resolve("config.json") + " has no model_type");
        }
        return type.asText();
    }

    /** The quantization block, or null when the model is not quantized or the config is unreadable or invalid. */
    public static QuantizationConfig quantization(Path dir) {
        try {
            return QuantizationConfig.fromConfig(config(dir)).orElse(null);
        } catch (ModelLoadException e) {
            return null;
        }
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
