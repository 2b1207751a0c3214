package ai.ominix.server;

import ai.ominix.server.http.ChatParams;

import java.nio.file.Path;
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
 */
public record ServerOptions(String host, int port, Path modelsDir, String asrModel, String chatModel, String backend,
                            long maxUploadMb, List<Path> allowFilePaths, ChatParams.Defaults chatDefaults,
                            int queueCapacity, String apiKey, List<String> corsOrigins) {

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
                ChatParams.Defaults.standard(), 8, env.apiKey(), List.of());
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, modelsDir, asrModel, chatModel, backend, maxUploadMb, allowFilePaths,
                chatDefaults, queueCapacity, apiKey, corsOrigins);
    }

    public ServerOptions withModels(String asr, String chat) {
        return new ServerOptions(host, port, modelsDir, asr, chat, backend, maxUploadMb, allowFilePaths,
                chatDefaults, queueCapacity, apiKey, corsOrigins);
    }

    public ServerOptions withLimits(long uploadMb, int queue) {
        return new ServerOptions(host, port, modelsDir, asrModel, chatModel, backend, uploadMb, allowFilePaths,
                chatDefaults, queue, apiKey, corsOrigins);
    }

    public ServerOptions withAllowFilePaths(List<Path> dirs) {
        return new ServerOptions(host, port, modelsDir, asrModel, chatModel, backend, maxUploadMb, dirs,
                chatDefaults, queueCapacity, apiKey, corsOrigins);
    }

    public ServerOptions withSecurity(String key, List<String> origins) {
        return new ServerOptions(host, port, modelsDir, asrModel, chatModel, backend, maxUploadMb, allowFilePaths,
                chatDefaults, queueCapacity, key, origins);
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
