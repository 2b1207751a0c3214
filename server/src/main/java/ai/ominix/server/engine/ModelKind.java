package ai.ominix.server.engine;

import ai.ominix.models.qwen3asr.Qwen3AsrEngine;
import ai.ominix.models.sala.SalaConfig;

import java.util.Map;
import java.util.Optional;

/** What a model directory holds, from the {@code model_type} of its config.json. */
public enum ModelKind {
    ASR("speech to text"), CHAT("chat");

    /** The architectures this server knows, by {@code config.json} {@code model_type}. */
    private static final Map<String, ModelKind> BY_MODEL_TYPE = Map.of(
            Qwen3AsrEngine.MODEL_TYPE, ASR,
            SalaConfig.MODEL_TYPE, CHAT);

    private final String description;

    ModelKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public static Optional<ModelKind> ofModelType(String modelType) {
        return Optional.ofNullable(modelType == null ? null : BY_MODEL_TYPE.get(modelType));
    }

    public static Map<String, ModelKind> known() {
        return BY_MODEL_TYPE;
    }
}
