package ai.ominix.server.hub;

import ai.ominix.server.http.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** The progress and outcome of one model download, as {@code GET /v1/models/download/{id}} shows it. */
public final class DownloadJob {

    public enum Status {
        DOWNLOADING("downloading"), COMPLETED("completed"), FAILED("download_failed"),
        CANCELLED("cancelled"), INTERRUPTED("interrupted");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private final String id;
    private final String repoId;
    private final String revision;
    private final Path target;
    private final long startedAt = System.currentTimeMillis() / 1000;
    private final AtomicLong bytesDone = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile long bytesTotal = -1;
    private volatile int filesDone;
    private volatile int filesTotal;
    private volatile String currentFile;
    private volatile Status status = Status.DOWNLOADING;
    private volatile String error;
    private volatile boolean cancelRequested;
    private volatile boolean stopRequested;

    DownloadJob(String id, String repoId, String revision, Path target) {
        this.id = id;
        this.repoId = repoId;
        this.revision = revision;
        this.target = target;
    }

    public String id() {
        return id;
    }

    public String repoId() {
        return repoId;
    }

    public Status status() {
        return status;
    }

    public String error() {
        return error;
    }

    public long bytesDone() {
        return bytesDone.get();
    }

    public long bytesTotal() {
        return bytesTotal;
    }

    public int filesDone() {
        return filesDone;
    }

    public int filesTotal() {
        return filesTotal;
    }

    public String currentFile() {
        return currentFile;
    }

    String revisionOrNull() {
        return revision;
    }

    public Path target() {
        return target;
    }

    /** Blocks until the job ends (any outcome). */
    public void await() throws InterruptedException {
        finished.await();
    }

    public boolean await(long millis) throws InterruptedException {
        return finished.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Cancel: stop and remove everything downloaded so far. */
    public void cancel() {
        cancelRequested = true;
    }

    /** Server shutdown: stop but keep what is downloaded, so that the next pull resumes. */
    void stop() {
        stopRequested = true;
    }

    boolean shouldStop() {
        return cancelRequested || stopRequested;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void plan(long totalBytes, int files) {
        bytesTotal = totalBytes;
        filesTotal = files;
    }

    void progress(long delta) {
        bytesDone.addAndGet(delta);
    }

    void startFile(String name) {
        currentFile = name;
    }

    void fileDone() {
        filesDone++;
    }

    void finish(Status outcome, String why) {
        status = outcome;
        error = why;
        currentFile = null;
        finished.countDown();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id).put("repo_id", repoId).put("status", status.wire());
        if (revision != null) o.put("revision", revision);
        o.putObject("progress")
                .put("bytes_done", bytesDone.get())
                .put("bytes_total", bytesTotal)
                .put("files_done", filesDone)
                .put("files_total", filesTotal);
        if (currentFile != null) o.put("current_file", currentFile);
        if (error != null) o.put("error", error);
        o.put("started_at", startedAt);
        return o;
    }
}
