package ai.ominix.server.engine;

import java.nio.file.Path;

/**
 * A model a request or the command line resolved to: its directory (the registry's key, a real
 * path), the id clients know it by, the hub repo it came from (or null), and its kind.
 */
public record ModelTarget(Path dir, String id, String repoId, ModelKind kind) {
    public String key() {
        return dir.toString();
    }
}
