package ai.ominix.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code quantization} (or {@code quantization_config}) block of an MLX checkpoint's
 * {@code config.json}: default {@code group_size}/{@code bits}/{@code mode} plus per-module
 * overrides keyed by module path, as mlx-lm writes them for mixed recipes:
 *
 * <pre>{@code
 * "quantization": {"group_size": 64, "bits": 4, "mode": "affine",
 *                  "model.layers.0.mlp.down_proj": {"group_size": 64, "bits": 8},
 *                  "model.embed_tokens": false}
 * }</pre>
 *
 * {@code false} means "this module is not quantized". Whether a weight is quantized in the files
 * is decided by the presence of {@code X.scales}; this record says with which parameters.
 */
public record QuantizationConfig(Params defaults, Map<String, Optional<Params>> overrides) {

    private static final Set<String> RESERVED = Set.of("group_size", "bits", "mode", "quant_method");

    /** Affine quantization parameters of one module. */
    public record Params(int groupSize, int bits, String mode) {
        public Params {
            if (!"affine".equals(mode)) {
                throw new WeightsFormatException("unsupported quantization mode '" + mode + "' (only MLX affine is supported)");
            }
            if (bits != 2 && bits != 3 && bits != 4 && bits != 5 && bits != 6 && bits != 8) {
                throw new WeightsFormatException("unsupported quantization bits " + bits);
            }
            if (groupSize != 32 && groupSize != 64 && groupSize != 128) {
                throw new WeightsFormatException("unsupported quantization group_size " + groupSize);
            }
        }
    }

    public QuantizationConfig {
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** Reads the block from a config.json file; empty when the model is not quantized. */
    public static Optional<QuantizationConfig> read(Path configJson) {
        return fromConfig(JsonFile.read(configJson));
    }

    /** Parses the block from a parsed config.json root; empty when there is none. */
    public static Optional<QuantizationConfig> fromConfig(JsonNode root) {
        if (root == null || !root.isObject()) throw new WeightsFormatException("config.json is not a JSON object");
        JsonNode q = root.get("quantization");
        if (q == null || q.isNull()) q = root.get("quantization_config");
        if (q == null || q.isNull()) return Optional.empty();
        if (!q.isObject()) throw new WeightsFormatException("config.json quantization block is not an object");
        if (!q.has("bits") || !q.has("group_size")) {
            throw new WeightsFormatException("config.json quantization block lacks bits/group_size: " + q);
        }
        Params defaults = params(q, null, "quantization");
        Map<String, Optional<Params>> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : q.properties()) {
            if (RESERVED.contains(e.getKey())) continue;
            JsonNode v = e.getValue();
            if (v.isBoolean()) {
                overrides.put(e.getKey(), v.asBoolean() ? Optional.of(defaults) : Optional.empty());
            } else if (v.isObject()) {
                overrides.put(e.getKey(), Optional.of(params(v, defaults, e.getKey())));
            } else {
                throw new WeightsFormatException("config.json quantization entry '" + e.getKey() + "' must be an object or false, got " + v);
            }
        }
        return Optional.of(new QuantizationConfig(defaults, overrides));
    }

    private static Params params(JsonNode node, Params inherit, String where) {
        int group = intField(node, "group_size", inherit == null ? 0 : inherit.groupSize(), where);
        int bits = intField(node, "bits", inherit == null ? 0 : inherit.bits(), where);
        JsonNode m = node.get("mode");
        String mode = m == null || m.isNull() ? (inherit == null ? "affine" : inherit.mode()) : m.asText();
        return new Params(group, bits, mode);
    }

    private static int intField(JsonNode node, String key, int fallback, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber()) throw new WeightsFormatException("config.json " + where + "." + key + " is not an integer: " + v);
        return v.asInt();
    }

    /** Parameters for the module at {@code modulePath} (e.g. {@code model.layers.0.mlp.down_proj}); empty = not quantized. */
    public Optional<Params> forModule(String modulePath) {
        Optional<Params> o = overrides.get(modulePath);
        return o != null ? o : Optional.of(defaults);
    }

    public int bits() {
        return defaults.bits();
    }

    public int groupSize() {
        return defaults.groupSize();
    }
}
