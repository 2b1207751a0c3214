package ai.ominix.server.hub;

import ai.ominix.server.http.ApiException;
import ai.ominix.server.store.ModelMetadata;
import ai.ominix.server.store.ModelStore;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Model downloads into the models directory. Each runs in the background into
 * {@code .partial-<id>/} inside the models dir, and only a fully verified set of files is renamed
 * into place, so the models dir never holds half a model. A failed or cancelled download removes
 * its folder; one stopped by shutdown keeps it and the next pull of the same repo resumes.
 */
public final class Downloads implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Downloads.class.getName());

    private final HubClient hub;
    private final ModelStore store;
    private final Map<String, DownloadJob> jobs = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();

    public Downloads(HubClient hub, ModelStore store) {
        this.hub = hub;
        this.store = store;
    }

    /** The model id a repo gets: its name part. Validates the repo id. */
    public static String idOf(String repoId) {
        String[] parts = repoId == null ? new String[0] : repoId.split("/", -1);
        if (parts.length != 2 || !ModelStore.isPlainName(parts[0]) || !ModelStore.isPlainName(parts[1])) {
            throw ApiException.badRequest("invalid_repo_id", "repo_id", "repo_id must look like 'owner/name'");
        }
        return parts[1];
    }

    /**
     * Starts a download.
     *
     * @throws ApiException 409 when the model exists or is already downloading
     */
    public synchronized DownloadJob start(String repoId, String revision) {
        String id = idOf(repoId);
        Path target = store.pathFor(id);
        DownloadJob running = jobs.get(id);
        if (running != null && running.status() == DownloadJob.Status.DOWNLOADING) {
            throw ApiException.conflict("download_in_progress", "a download of '" + id + "' is already running");
        }
        if (Files.exists(target)) {
            throw ApiException.conflict("model_exists", "model '" + id + "' already exists in " + store.modelsDir());
        }
        DownloadJob job = new DownloadJob(id, repoId, revision, target);
        jobs.put(id, job);
        Thread.ofVirtual().name("download-" + id).start(() -> run(job));
        return job;
    }

    public Optional<DownloadJob> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    public boolean downloading(String id) {
        DownloadJob j = jobs.get(id);
        return j != null && j.status() == DownloadJob.Status.DOWNLOADING;
    }

    /** Downloads still running or failed (finished ones are plain models now). */
    public Collection<DownloadJob> visible() {
        List<DownloadJob> out = new ArrayList<>();
        for (DownloadJob j : jobs.values()) {
            if (j.status() != DownloadJob.Status.COMPLETED) out.add(j);
        }
        return out;
    }

    /** @throws ApiException 404 when no download of that id is running */
    public DownloadJob cancel(String id) {
        DownloadJob j = jobs.get(id);
        if (j == null || j.status() != DownloadJob.Status.DOWNLOADING) {
            throw ApiException.notFound("download_not_found", "no download of '" + id + "' is running");
        }
        j.cancel();
        return j;
    }

    private void run(DownloadJob job) {
        Path partial = store.modelsDir().resolve(".partial-" + job.id());
        FileFetcher fetcher = new FileFetcher(hub);
        try {
            Files.createDirectories(partial);
            HubClient.RepoInfo info = hub.info(job.repoId(), job.revisionOrNull());
            List<HubFile> tree = hub.tree(job.repoId(), info.sha());
            List<HubFile> plan = new ArrayList<>(EssentialFiles.metadataAndSingleWeights(tree));
            HubFile index = plan.stream().filter(f -> f.path().equals(EssentialFiles.INDEX)).findFirst().orElse(null);
            if (index != null && plan.stream().noneMatch(f -> f.path().equals("model.safetensors"))) {
                fetch(fetcher, job, info.sha(), index, partial);
                plan.addAll(EssentialFiles.shards(partial.resolve(index.path()), tree));
            }
            job.plan(plan.stream().mapToLong(f -> Math.max(0, f.size())).sum(), plan.size());
            job.progress(-job.bytesDone());
            for (HubFile f : plan) job.progress(sizeOnDisk(partial.resolve(f.path()))); // resumed files
            for (HubFile f : plan) {
                fetch(fetcher, job, info.sha(), f, partial);
                job.fileDone();
            }
            moveIntoPlace(partial, job.target());
            store.metadata().put(job.id(), new ModelMetadata.Entry(job.repoId(), info.sha(), System.currentTimeMillis() / 1000));
            job.finish(DownloadJob.Status.COMPLETED, null);
            LOG.info("downloaded " + job.repoId() + " into " + job.target());
        } catch (FileFetcher.Stopped e) {
            if (job.cancelRequested()) {
                removeQuietly(partial);
                job.finish(DownloadJob.Status.CANCELLED, "cancelled");
            } else {
                job.finish(DownloadJob.Status.INTERRUPTED, "interrupted by shutdown; the next pull resumes");
            }
        } catch (Exception e) {
            removeQuietly(partial);
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            job.finish(DownloadJob.Status.FAILED, why);
            LOG.log(Level.WARNING, "download of " + job.repoId() + " failed: " + why);
        }
    }

    private void fetch(FileFetcher fetcher, DownloadJob job, String rev, HubFile f, Path dir) {
        Path target = dir.resolve(f.path()).normalize();
        if (!dir.equals(target.getParent())) throw new HubException("unexpected file path in repo: " + f.path(), 0);
        job.startFile(f.path());
        fetcher.fetch(job.repoId(), rev, f, target, delta -> {
            job.progress(delta);
            if (delta > 0) received.addAndGet(delta);
        }, job::shouldStop);
    }

    /** Bytes received from the hub since start (all downloads). */
    public long bytesReceived() {
        return received.get();
    }

    private static long sizeOnDisk(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target);
        } catch (FileAlreadyExistsException e) {
            throw new HubException(target + " appeared while downloading; not replacing it", 0);
        }
        if (!Files.isDirectory(target)) throw new IOException("rename into " + target + " failed");
    }

    private static void removeQuietly(Path dir) {
        try {
            ModelStore.deleteTree(dir);
        } catch (IOException e) {
            LOG.warning("cannot remove " + dir + ": " + e.getMessage());
        }
    }

    /** Stops running downloads, keeping their files for a later {@code pull} to resume. */
    @Override
    public void close() {
        stopAll(false);
    }

    /**
     * Stops running downloads, keeping their files; with {@code persist} they are also recorded
     * in the metadata file and {@link #resumePending} restarts them.
     */
    public void stopAll(boolean persist) {
        for (DownloadJob j : jobs.values()) {
            if (j.status() == DownloadJob.Status.DOWNLOADING) j.stop();
        }
        for (DownloadJob j : jobs.values()) {
            try {
                j.await(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (persist && j.status() == DownloadJob.Status.INTERRUPTED) {
                store.metadata().putPending(new ModelMetadata.Pending(j.id(), j.repoId(), j.revisionOrNull()));
            }
        }
    }

    /** Restarts the downloads a previous shutdown interrupted. */
    public void resumePending() {
        for (ModelMetadata.Pending p : store.metadata().takePending()) {
            try {
                start(p.repoId(), p.revision());
                LOG.info("resuming the download of " + p.repoId());
            } catch (RuntimeException e) {
                LOG.warning("not resuming the download of " + p.repoId() + ": " + e.getMessage());
            }
        }
    }
}
