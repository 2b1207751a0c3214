package ai.ominix.server;

import ai.ominix.server.engine.KeepAlive;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.http.ChatParams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code ominix serve} is configured with.
 *
 * @param asrModel       directory, model id or hub repo id; null for none
 * @param allowFilePaths directories {@code file_path} may read; null means the default (the user's
 *                       home while listening on loopback only, else none)
 * @param queueCapacity  requests that may wait per model before 429
 * @param apiKey         bearer key every /v1 call needs; null for none
 * @param corsOrigins    origins allowed by CORS; empty for none
 * @param registry       memory budget, loaded-model limit, keep-alive and load wait of the models
 */
public record ServerOptions(String host, int port, Path modelsDir, String asrModel, String chatModel, String backend,
                            long maxUploadMb, List<Path> allowFilePaths, ChatParams.Defaults chatDefaults,
                            int queueCapacity, String apiKey, List<String> corsOrigins, Registry registry) {

    /**
     * How models come and go ({@code --max-memory}, {@code --max-loaded-models}, {@code --keep-alive}).
     *
     * @param maxMemory bytes the loaded models may plan to take; 0 for the default share of physical memory
     * @param loadWait  how long a request waits for its model to load before a 503
     */
    public record Registry(long maxMemory, int maxLoadedModels, KeepAlive keepAlive, Duration loadWait) {
        public static final Registry DEFAULT = new Registry(0, 0, KeepAlive.DEFAULT, Duration.ofMinutes(5));
    }

    public static final int DEFAULT_PORT = 8080;

    public ServerOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535");
        if (maxUploadMb < 1) throw new IllegalArgumentException("--max-upload-mb must be at least 1");
        if (!List.of("auto", "cpu", "mlx").contains(backend)) {
            throw new IllegalArgumentException("--backend must be auto, cpu or mlx");
        }
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }

    /** Defaults for everything, models dir from the environment. */
    public static ServerOptions defaults(OminixEnv env) {
        return new ServerOptions("127.0.0.1", DEFAULT_PORT, env.defaultModelsDir(), null, null, "auto", 1024, null,
                ChatParams.Defaults.standard(), 8, env.apiKey(), List.of(), Registry.DEFAULT);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, modelsDir, asrModel, chatModel, backend, maxUploadMb, allowFilePaths,
                chatDefaults, queueCapacity, apiKey, corsOrigins, registry);
    }

    public ServerOptions withModels(String asr, String chat) {
        return new ServerOptions(host, port, modelsDir, asr, chat, backend, maxUploadMb, allowFilePaths,
                chatDefaults, queueCapacity, apiKey, corsOrigins, registry);
    }

    public ServerOptions withLimits(long uploadMb, int queue) {
        return new ServerOptions(host, port, modelsDir, asrModel, chatModel, backend, uploadMb, allowFilePaths,
                chatDefaults, queue, apiKey, corsOrigins, registry);
    }

    public ServerOptions withAllowFilePaths(List<Path> dirs) {
        return new ServerOptions(host, port, modelsDir, asrModel, chatModel, backend, maxUploadMb, dirs,
                chatDefaults, queueCapacity, apiKey, corsOrigins, registry);
    }

    public ServerOptions withSecurity(String key, List<String> origins) {
        return new ServerOptions(host, port, modelsDir, asrModel, chatModel, backend, maxUploadMb, allowFilePaths,
                chatDefaults, queueCapacity, key, origins, registry);
    }

    public ServerOptions withRegistry(Registry r) {
        return new ServerOptions(host, port, modelsDir, asrModel, chatModel, backend, maxUploadMb, allowFilePaths,
                chatDefaults, queueCapacity, apiKey, corsOrigins, r);
    }

    /** The registry's limits, with the default memory budget filled in. */
    public ModelRegistry.Limits limits() {
        return new ModelRegistry.Limits(queueCapacity,
                registry.maxMemory() > 0 ? registry.maxMemory() : ai.ominix.server.engine.Bytes.defaultBudget(),
                registry.maxLoadedModels(), registry.keepAlive(), registry.loadWait());
    }

    public boolean loopbackOnly() {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    /** The directories {@code file_path} may read. */
    public List<Path> effectiveFilePathDirs(Path userHome) {
        if (allowFilePaths != null) return allowFilePaths;
        return loopbackOnly() ? List.of(userHome) : List.of();
    }
}
