package ai.ominix.server.engine;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ModelLoadException;
import ai.ominix.kernel.Backend;
import ai.ominix.models.qwen3asr.Qwen3AsrEngine;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.server.store.ModelDirs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a model directory into an engine: reads {@code model_type} from its config.json and calls
 * the loader registered for that type. The model packages register their loaders in
 * {@link #standard()}; tests build their own with fake engines.
 */
public final class EngineLoaders {

    /** Loads one engine from a model directory onto a backend. */
    @FunctionalInterface
    public interface Loader<E> {
        E load(Path modelDir, Backend backend);
    }

    /** Bytes a request on a model may hold beside its weights (the model package's own estimate). */
    @FunctionalInterface
    public interface WorkingSet {
        long bytes(Path modelDir);
    }

    private final Map<String, Loader<AsrEngine>> asr;
    private final Map<String, Loader<ChatEngine>> chat;
    private final Map<String, WorkingSet> workingSets;

    private EngineLoaders(Map<String, Loader<AsrEngine>> asr, Map<String, Loader<ChatEngine>> chat,
                          Map<String, WorkingSet> workingSets) {
        this.asr = Map.copyOf(asr);
        this.chat = Map.copyOf(chat);
        this.workingSets = Map.copyOf(workingSets);
    }

    /** The loaders of the real models (one line per architecture), with the default prompt cache. */
    public static EngineLoaders standard() {
        return standard(SalaChatEngine.Options.DEFAULT_PROMPT_CACHE_BYTES);
    }

    /** @param promptCacheBytes each chat model's prompt cache budget ({@code --prompt-cache-mb}), planned as part of its memory */
    public static EngineLoaders standard(long promptCacheBytes) {
        return standard(promptCacheBytes, 1, SalaChatEngine.Options.DEFAULT_PREFILL_CHUNK);
    }

    /**
     * @param parallel     chat requests decoded together ({@code --parallel}); their states are planned as memory too
     * @param prefillChunk prompt tokens run between two batched decode steps ({@code --prefill-chunk})
     */
    public static EngineLoaders standard(long promptCacheBytes, int parallel, int prefillChunk) {
        SalaChatEngine.Options chat = new SalaChatEngine.Options(SalaChatEngine.Options.DEFAULT.contextLength(), promptCacheBytes)
                .withParallel(parallel, prefillChunk);
        return builder()
                .asr(Qwen3AsrEngine.MODEL_TYPE, Qwen3AsrEngine::load, Qwen3AsrEngine::workingSetBytes)
                .chat(SalaConfig.MODEL_TYPE, (dir, b) -> SalaChatEngine.load(dir, b, chat),
                        dir -> SalaChatEngine.workingSetBytes(dir, parallel) + promptCacheBytes)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public AsrEngine loadAsr(Path dir, Backend backend) {
        String type = checkKind(dir, ModelKind.ASR);
        Loader<AsrEngine> loader = asr.get(type);
        if (loader == null) throw notAvailable(type);
        return loader.load(dir, backend);
    }

    public ChatEngine loadChat(Path dir, Backend backend) {
        String type = checkKind(dir, ModelKind.CHAT);
        Loader<ChatEngine> loader = chat.get(type);
        if (loader == null) throw notAvailable(type);
        return loader.load(dir, backend);
    }

    /**
     * The memory a loaded model is planned to take: its weight files (memory-mapped by the CPU
     * backend, loaded by MLX) plus what one request may hold beside them, by the model's own
     * estimate (none registered: the weights alone).
     */
    public long plannedBytes(Path dir) {
        WorkingSet ws = workingSets.get(ModelDirs.modelType(dir));
        return ModelDirs.weightBytes(dir) + (ws == null ? 0 : ws.bytes(dir));
    }

    /** The kind of model in {@code dir}; a clear {@link ModelLoadException} when it is not one we serve. */
    public static ModelKind kindOf(Path dir) {
        return kindOf(dir, ModelDirs.modelType(dir));
    }

    private static ModelKind kindOf(Path dir, String type) {
        return ModelKind.ofModelType(type).orElseThrow(() -> new ModelLoadException(
                "model_type '" + type + "' in " + dir.resolve("config.json") + " is not supported; this server runs "
                        + new TreeMap<>(ModelKind.known())));
    }

    /** The {@code model_type} of {@code dir}, which must hold a model of the {@code wanted} kind. */
    private static String checkKind(Path dir, ModelKind wanted) {
        String type = ModelDirs.modelType(dir);
        ModelKind kind = kindOf(dir, type);
        if (kind != wanted) {
            throw new ModelLoadException(dir + " holds a " + kind.description() + " model, not a "
                    + wanted.description() + " model");
        }
        return type;
    }

    private static ModelLoadException notAvailable(String type) {
        return new ModelLoadException("no engine is registered for model_type '" + type + "' in this build");
    }

    public static final class Builder {
        private final Map<String, Loader<AsrEngine>> asr = new HashMap<>();
        private final Map<String, Loader<ChatEngine>> chat = new HashMap<>();
        private final Map<String, WorkingSet> workingSets = new HashMap<>();

        public Builder asr(String modelType, Loader<AsrEngine> loader) {
            asr.put(modelType, loader);
            return this;
        }

        public Builder asr(String modelType, Loader<AsrEngine> loader, WorkingSet workingSet) {
            workingSets.put(modelType, workingSet);
            return asr(modelType, loader);
        }

        public Builder chat(String modelType, Loader<ChatEngine> loader) {
            chat.put(modelType, loader);
            return this;
        }

        public Builder chat(String modelType, Loader<ChatEngine> loader, WorkingSet workingSet) {
            workingSets.put(modelType, workingSet);
            return chat(modelType, loader);
        }

        public EngineLoaders build() {
            return new EngineLoaders(asr, chat, workingSets);
        }
    }
}
