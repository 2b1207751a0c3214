package ai.ominix.server.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Downloads one file of a repo into place: resumes with {@code Range} from whatever is already on
 * disk (after a dropped connection, or a previous interrupted pull), then checks the size and the
 * hash the hub published (sha256 for LFS files, the git blob id otherwise).
 */
final class FileFetcher {
    private static final int MAX_ATTEMPTS = 6;
    /** A connection that delivers nothing for this long is abandoned and resumed. */
    private static final long STALL_MS = Long.getLong("ominix.download.stall.ms", 60_000);

    /** Thrown when the job was asked to stop. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    /** Whether to stop now (checked once per buffer). */
    interface StopSignal {
        boolean stop();
    }

    private final HubClient hub;

    FileFetcher(HubClient hub) {
        this.hub = hub;
    }

    /**
     * @param progress receives byte-count changes (negative when a restart discards bytes)
     */
    void fetch(String repoId, String revision, HubFile file, Path target, LongConsumer progress, StopSignal stop) {
        for (int attempt = 1; ; attempt++) {
            try {
                long have = Files.exists(target) ? Files.size(target) : 0;
                if (file.size() >= 0 && have > file.size()) {
                    Files.delete(target);
                    progress.accept(-have);
                    have = 0;
                }
                if (file.size() < 0 || have < file.size()) {
                    have = transfer(repoId, revision, file, target, have, progress, stop);
                }
                if (file.size() >= 0 && have < file.size()) {
                    throw new IOException("connection closed after " + have + " of " + file.size() + " bytes");
                }
                break;
            } catch (IOException | HubException e) {
                boolean retryable = !(e instanceof HubException h) || h.status() == 0 || h.status() >= 500 || h.status() == 429;
                if (!retryable || attempt >= MAX_ATTEMPTS) {
                    throw e instanceof HubException h ? h
                            : new HubException("download of " + file.path() + " failed after " + attempt + " attempts: " + e.getMessage(), e);
                }
                sleep(200L * attempt, stop);
            }
        }
        verify(file, target);
    }

    private long transfer(String repoId, String revision, HubFile file, Path target, long have,
                          LongConsumer progress, StopSignal stop) throws IOException {
        HttpResponse<InputStream> res = hub.open(repoId, revision, file.path(), have);
        boolean append = have > 0 && res.statusCode() == 206;
        if (have > 0 && !append) { // the server sent the whole file: start over
            progress.accept(-have);
            have = 0;
        }
        // java.net.http has no read timeout for a body: a watchdog interrupts a read that stalls.
        AtomicLong lastRead = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        Thread reader = Thread.currentThread();
        Thread watchdog = Thread.ofVirtual().name("download-watchdog").start(() -> {
            try {
                while (true) {
                    Thread.sleep(Math.max(10, STALL_MS / 4));
                    if (System.nanoTime() - lastRead.get() > STALL_MS * 1_000_000) {
                        stalled.set(true);
                        reader.interrupt();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // The transfer ended.
            }
        });
        try (InputStream in = res.body();
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[256 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                lastRead.set(System.nanoTime());
                if (stop.stop()) throw new Stopped();
                out.write(buf, 0, n);
                have += n;
                progress.accept(n);
            }
        } catch (IOException e) {
            if (stalled.get()) {
                Thread.interrupted(); // the watchdog's interrupt, not a shutdown
                throw new IOException("no data for " + STALL_MS / 1000.0 + " s", e);
            }
            throw e;
        } finally {
            watchdog.interrupt();
        }
        if (stalled.get()) Thread.interrupted();
        return have;
    }

    private static void verify(HubFile file, Path target) {
        try {
            long size = Files.size(target);
            if (file.size() >= 0 && size != file.size()) {
                throw new HubException(file.path() + ": size mismatch (expected " + file.size() + " bytes, got " + size + ")", 0);
            }
            if (file.sha256() != null) {
                String got = digest(target, "SHA-256", null);
                if (!got.equalsIgnoreCase(file.sha256())) {
                    throw new HubException(file.path() + ": sha256 mismatch (expected " + file.sha256() + ", got " + got + ")", 0);
                }
            } else if (file.gitOid() != null && file.gitOid().length() == 40) {
                String got = digest(target, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
                if (!got.equalsIgnoreCase(file.gitOid())) {
                    throw new HubException(file.path() + ": git object id mismatch (expected " + file.gitOid() + ", got " + got + ")", 0);
                }
            }
        } catch (IOException e) {
            throw new HubException("cannot verify " + file.path() + ": " + e.getMessage(), e);
        }
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (prefix != null) md.update(prefix);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void sleep(long ms, StopSignal stop) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        if (stop.stop()) throw new Stopped();
    }
}
