package ai.ominix.server.store;

import java.nio.file.Path;

/**
 * One model the server can see.
 *
 * @param id           directory name in the models dir, or {@code owner/name} for the hub cache
 * @param ownedBy      repo owner, else "local"
 * @param repoId       hub repo it came from, or null
 * @param downloadedAt unix seconds, or null when unknown
 * @param source       "models_dir" or "hf_cache"
 */
public record ModelInfo(String id, String ownedBy, Path path, String repoId, ModelDirs.Quantization quantization,
                        long sizeBytes, Long downloadedAt, String source) {}
