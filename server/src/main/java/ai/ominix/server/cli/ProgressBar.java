package ai.ominix.server.cli;

import ai.ominix.server.hub.DownloadJob;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line download progress bar on a terminal (stderr), redrawn in place. */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    public void show(DownloadJob job) {
        long total = job.bytesTotal();
        long done = job.bytesDone();
        double frac = total > 0 ? Math.min(1, (double) done / total) : 0;
        int fill = (int) Math.round(frac * WIDTH);
        String line = String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%% %s / %s  %d/%d files  %s",
                job.id(), "#".repeat(fill), " ".repeat(WIDTH - fill), frac * 100, mib(done), total > 0 ? mib(total) : "?",
                job.filesDone(), job.filesTotal(), job.currentFile() == null ? job.status().wire() : job.currentFile());
        out.print(line + "\u001b[K");
        if (job.status() != DownloadJob.Status.DOWNLOADING) out.println();
        out.flush();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
