package ai.ominix.server.store;

import ai.ominix.server.http.ApiException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The models on disk: directories with a config.json in the models directory (scanned on every
 * call, so models copied in by hand show up), plus snapshots in the Hugging Face cache.
 */
public final class ModelStore {
    /** A plain directory name: no separators, no leading dot, no control characters. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,199}");

    private final Path modelsDir;
    private final Path hubCache;
    private final ModelMetadata metadata;

    /**
     * @param hubCache the hub cache's {@code hub} folder ({@code $HF_HOME/hub}); may not exist
     */
    public ModelStore(Path modelsDir, Path hubCache, ModelMetadata metadata) {
        this.modelsDir = modelsDir.toAbsolutePath().normalize();
        this.hubCache = hubCache.toAbsolutePath().normalize();
        this.metadata = metadata;
    }

    public Path modelsDir() {
        return modelsDir;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Models dir first (sorted by id), then the hub cache. */
    public List<ModelInfo> list() {
        List<ModelInfo> out = new ArrayList<>();
        if (Files.isDirectory(modelsDir)) {
            Map<String, ModelMetadata.Entry> meta = metadata.all();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modelsDir)) {
                for (Path dir : dirs) {
                    String name = dir.getFileName().toString();
                    if (name.startsWith(".") || !ModelDirs.looksLikeModel(dir)) continue;
                    out.add(localInfo(name, dir, meta.get(name)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + modelsDir, e);
            }
        }
        out.sort(Comparator.comparing(ModelInfo::id));
        out.addAll(hubCacheModels());
        return out;
    }

    public Optional<ModelInfo> find(String id) {
        if (id == null) return Optional.empty();
        return list().stream().filter(m -> m.id().equals(id) || id.equals(m.repoId())).findFirst();
    }

    /** True when {@code name} is usable as a directory name inside the models dir. */
    public static boolean isPlainName(String name) {
        return name != null && PLAIN_NAME.matcher(name).matches() && !name.contains("..");
    }

    /** The directory a model with this id has (or would have) in the models dir. */
    public Path pathFor(String id) {
        if (!isPlainName(id)) {
            throw ApiException.badRequest("invalid_model_id", "id", "'" + id + "' is not a model id (a plain directory name)");
        }
        Path p = modelsDir.resolve(id).normalize();
        if (!modelsDir.equals(p.getParent())) {
            throw ApiException.badRequest("invalid_model_id", "id", "model id escapes the models directory");
        }
        return p;
    }

    /**
     * Removes a model directory of the models dir. Refuses anything that is not a plain directory
     * name inside it, and symbolic links (whose target might be anywhere).
     */
    public void delete(String id) {
        Path dir = pathFor(id);
        if (Files.isSymbolicLink(dir)) {
            throw ApiException.badRequest("invalid_model_id", "id", "'" + id + "' is a symbolic link; remove it by hand");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("model_not_found", "model '" + id + "' not found in " + modelsDir);
        }
        // Rename first so the model vanishes from listings at once, even if the delete is slow.
        Path trash = modelsDir.resolve(".deleting-" + id + "-" + UUID.randomUUID());
        try {
            Files.move(dir, trash);
            deleteTree(trash);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
        metadata.remove(id);
    }

    /** Deletes a tree without following symbolic links (a link is removed, never its target). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) throw exc;
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** @param meta what the metadata file says about the model, or null */
    private static ModelInfo localInfo(String id, Path dir, ModelMetadata.Entry meta) {
        String repoId = meta == null ? null : meta.repoId();
        Long downloadedAt = meta != null && meta.downloadedAt() > 0 ? meta.downloadedAt() : null;
        return new ModelInfo(id, ModelInfo.ownerOf(repoId), dir, repoId, ModelDirs.quantization(dir),
                ModelDirs.weightBytes(dir), downloadedAt, "models_dir");
    }

    /** {@code models--owner--name/snapshots/<rev>/}: the revision {@code refs/main} names, else the newest. */
    private List<ModelInfo> hubCacheModels() {
        List<ModelInfo> out = new ArrayList<>();
        if (!Files.isDirectory(hubCache)) return out;
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(hubCache, "models--*")) {
            for (Path repo : repos) {
                String[] parts = repo.getFileName().toString().substring("models--".length()).split("--", 2);
                if (parts.length != 2) continue;
                Path snapshot = snapshotOf(repo);
                if (snapshot == null || !ModelDirs.looksLikeModel(snapshot)) continue;
                String repoId = parts[0] + "/" + parts[1];
                Long mtime = Files.getLastModifiedTime(snapshot).to(java.util.concurrent.TimeUnit.SECONDS);
                out.add(new ModelInfo(repoId, parts[0], snapshot, repoId, ModelDirs.quantization(snapshot),
                        ModelDirs.weightBytes(snapshot), mtime, "hf_cache"));
            }
        } catch (IOException e) {
            return out; // an unreadable cache is not an error of ours
        }
        out.sort(Comparator.comparing(ModelInfo::id));
        return out;
    }

    private static Path snapshotOf(Path repo) throws IOException {
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) return null;
        Path ref = repo.resolve("refs").resolve("main");
        if (Files.isRegularFile(ref)) {
            Path named = snapshots.resolve(Files.readString(ref).strip());
            if (Files.isDirectory(named)) return named;
        }
        Path newest = null;
        FileTime newestTime = null;
        try (DirectoryStream<Path> revs = Files.newDirectoryStream(snapshots)) {
            for (Path rev : revs) {
                FileTime t = Files.getLastModifiedTime(rev);
                if (newest == null || t.compareTo(newestTime) > 0) {
                    newest = rev;
                    newestTime = t;
                }
            }
        }
        return newest;
    }
}
