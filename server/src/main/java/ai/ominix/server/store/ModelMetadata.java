package ai.ominix.server.store;

import ai.ominix.server.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Per-model metadata in {@code $OMINIX_HOME/config.json} under {@code "models": {id: {...}}}.
 * Other top-level keys are preserved. The file is replaced atomically (write a sibling, then
 * rename) so a crash never leaves it half written; a missing or corrupt file reads as empty (a
 * corrupt one is kept aside as {@code config.json.corrupt} for the user).
 */
public final class ModelMetadata {
    private static final Logger LOG = Logger.getLogger(ModelMetadata.class.getName());

    /** What we know about a model that the directory itself does not say. */
    public record Entry(String repoId, String revision, long downloadedAt) {}

    private final Path file;

    public ModelMetadata(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public synchronized Optional<Entry> get(String id) {
        return Optional.ofNullable(all().get(id));
    }

    /** Every model's entry, by id: one read of the file for a whole listing. */
    public synchronized Map<String, Entry> all() {
        Map<String, Entry> out = new HashMap<>();
        read().path("models").properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isObject()) out.put(e.getKey(), new Entry(text(v, "repo_id"), text(v, "revision"), v.path("downloaded_at").asLong(0)));
        });
        return out;
    }

    public synchronized void put(String id, Entry entry) {
        ObjectNode root = read();
        ObjectNode models = root.has("models") && root.get("models").isObject()
                ? (ObjectNode) root.get("models") : root.putObject("models");
        ObjectNode e = models.putObject(id);
        if (entry.repoId() != null) e.put("repo_id", entry.repoId());
        if (entry.revision() != null) e.put("revision", entry.revision());
        e.put("downloaded_at", entry.downloadedAt());
        write(root);
    }

    public synchronized void remove(String id) {
        ObjectNode root = read();
        if (root.path("models").isObject() && ((ObjectNode) root.get("models")).remove(id) != null) write(root);
    }

    /** A download stopped by shutdown, to be resumed when the server starts again. */
    public record Pending(String id, String repoId, String revision) {}

    public synchronized void putPending(Pending p) {
        ObjectNode root = read();
        ObjectNode pending = root.has("pending_downloads") && root.get("pending_downloads").isObject()
                ? (ObjectNode) root.get("pending_downloads") : root.putObject("pending_downloads");
        ObjectNode e = pending.putObject(p.id()).put("repo_id", p.repoId());
        if (p.revision() != null) e.put("revision", p.revision());
        write(root);
    }

    /** Returns and forgets the pending downloads. */
    public synchronized java.util.List<Pending> takePending() {
        ObjectNode root = read();
        java.util.List<Pending> out = new java.util.ArrayList<>();
        JsonNode pending = root.path("pending_downloads");
        if (!pending.isObject()) return out;
        pending.properties().forEach(e -> out.add(new Pending(e.getKey(), text(e.getValue(), "repo_id"), text(e.getValue(), "revision"))));
        root.remove("pending_downloads");
        write(root);
        return out;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private ObjectNode read() {
        if (!Files.isRegularFile(file)) return Json.object();
        try {
            JsonNode node = Json.MAPPER.readTree(file.toFile());
            if (node instanceof ObjectNode obj) return obj;
            throw new IOException("top level is not a JSON object");
        } catch (IOException e) {
            LOG.warning("ignoring unreadable " + file + " (" + e.getMessage() + "); moved aside to config.json.corrupt");
            try {
                Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // Keeping it in place only means the next write replaces it.
            }
            return Json.object();
        }
    }

    private void write(ObjectNode root) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".config-", ".json.tmp");
            try {
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
