package ai.ominix.bench;

import ai.ominix.weights.Checkpoint;
import ai.ominix.weights.JsonFile;
import ai.ominix.weights.QuantizationConfig;
import ai.ominix.weights.SafetensorsHeader;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a report says about the checkpoint it ran: directory, {@code model_type}, quantization
 * (from config.json) and bytes of stored weights (from the safetensors headers, nothing is read).
 *
 * @param bits      default quantization bits, 0 when the checkpoint is not quantized
 * @param groupSize quantization group size, 0 when not quantized
 */
public record ModelFacts(Path dir, String type, int bits, int groupSize, long weightBytes) {

    public static ModelFacts read(Path dir) {
        JsonNode config = JsonFile.read(dir.resolve("config.json"));
        String type = config.path("model_type").asText("");
        Optional<QuantizationConfig> q = QuantizationConfig.fromConfig(config);
        return new ModelFacts(dir, type, q.map(QuantizationConfig::bits).orElse(0),
                q.map(QuantizationConfig::groupSize).orElse(0), tensorBytes(dir, name -> true));
    }

    /** Bytes of the stored tensors whose names match (scales and biases included). */
    public static long tensorBytes(Path dir, Predicate<String> names) {
        long total = 0;
        for (Path f : Checkpoint.discover(dir).files()) {
            for (SafetensorsHeader.Entry e : SafetensorsHeader.read(f).entries().values()) {
                if (names.test(e.name())) total += e.byteSize();
            }
        }
        return total;
    }

    /** "8-bit g64" or "unquantized". */
    public String quantization() {
        return bits == 0 ? "unquantized" : bits + "-bit g" + groupSize;
    }

    /** The report's {@code model} object; benches append their own fields. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", dir.toAbsolutePath().normalize().toString());
        m.put("type", type);
        m.put("quantization", quantization());
        m.put("quantization_bits", bits);
        m.put("quantization_group_size", groupSize);
        m.put("weight_bytes", weightBytes);
        return m;
    }
}
