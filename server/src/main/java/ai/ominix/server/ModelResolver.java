package ai.ominix.server;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.engine.ModelKind;
import ai.ominix.server.hub.DownloadJob;
import ai.ominix.server.hub.Downloads;
import ai.ominix.server.store.ModelDirs;
import ai.ominix.server.store.ModelInfo;
import ai.ominix.server.store.ModelMetadata;
import ai.ominix.server.store.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds the model a command line names: a directory, a model id from the models dir or the hub
 * cache, or a hub repo id ({@code owner/name}) that is pulled first when it is not present.
 */
public final class ModelResolver {
    private final ModelStore store;
    private final Downloads downloads;
    private final Consumer<DownloadJob> progress;

    /** @param progress called about once a second while a pull runs (a progress bar), may be null */
    public ModelResolver(ModelStore store, Downloads downloads, Consumer<DownloadJob> progress) {
        this.store = store;
        this.downloads = downloads;
        this.progress = progress;
    }

    public ModelRegistry.Resolved resolve(String spec, ModelKind kind) {
        Optional<Path> dir = asDirectory(spec);
        if (dir.isPresent()) {
            Path d = dir.get();
            String id = d.getFileName().toString();
            String repoId = d.getParent() != null && d.getParent().equals(store.modelsDir())
                    ? store.metadata().get(id).map(ModelMetadata.Entry::repoId).orElse(null) : null;
            return new ModelRegistry.Resolved(d, id, repoId);
        }
        Optional<ModelInfo> known = store.find(spec);
        if (known.isPresent()) return new ModelRegistry.Resolved(known.get().path(), known.get().id(), known.get().repoId());
        if (spec.contains("/") && !spec.startsWith("/") && !spec.startsWith(".")) {
            String id = Downloads.idOf(spec);
            Optional<ModelInfo> byName = store.find(id);
            if (byName.isPresent()) return new ModelRegistry.Resolved(byName.get().path(), id, byName.get().repoId());
            return pull(spec);
        }
        throw new ModelLoadException("model '" + spec + "' not found: it is not a directory with a config.json, not a model in "
                + store.modelsDir() + " or the Hugging Face cache, and not a hub repo id (owner/name)");
    }

    /** Pulls a repo into the models dir and waits for it. */
    public ModelRegistry.Resolved pull(String repoId) {
        DownloadJob job = downloads.start(repoId, null);
        try {
            while (!job.await(1000)) {
                if (progress != null) progress.accept(job);
            }
        } catch (InterruptedException e) {
            job.cancel();
            Thread.currentThread().interrupt();
            throw new ModelLoadException("interrupted while pulling " + repoId);
        }
        if (progress != null) progress.accept(job);
        if (job.status() != DownloadJob.Status.COMPLETED) {
            throw new ModelLoadException("pulling " + repoId + " failed: " + job.error());
        }
        return new ModelRegistry.Resolved(job.target(), job.id(), repoId);
    }

    private static Optional<Path> asDirectory(String spec) {
        try {
            Path p = Path.of(spec.startsWith("~/") ? System.getProperty("user.home") + spec.substring(1) : spec);
            if (ModelDirs.looksLikeModel(p)) return Optional.of(p.toRealPath());
            if (Files.isDirectory(p)) {
                throw new ModelLoadException(p.toAbsolutePath() + " is a directory but has no config.json");
            }
        } catch (InvalidPathException | IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
