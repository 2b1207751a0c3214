package ai.ominix.server.store;

import ai.ominix.weights.QuantizationConfig;

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
public record ModelInfo(String id, String ownedBy, Path path, String repoId, QuantizationConfig quantization,
                        long sizeBytes, Long downloadedAt, String source) {

    /** The owner part of a hub repo id ({@code owner/name}), or "local" when there is none. */
    public static String ownerOf(String repoId) {
        return repoId != null && repoId.contains("/") ? repoId.substring(0, repoId.indexOf('/')) : "local";
    }
}
