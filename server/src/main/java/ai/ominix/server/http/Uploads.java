package ai.ominix.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Temporary files for uploaded audio, in one folder of their own. Every upload is deleted by the
 * request that made it (on success, error and disconnect alike); whatever a crash left behind is
 * swept when the server starts.
 */
public final class Uploads {
    private static final Logger LOG = Logger.getLogger(Uploads.class.getName());

    private final Path dir;
    private final long maxBytes;

    public Uploads(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
            try (var old = Files.newDirectoryStream(dir, "upload-*")) {
                for (Path p : old) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare upload folder " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Copies an upload to a new temporary file, stopping with 413 as soon as it exceeds the limit.
     * The caller owns the returned file and must {@link #delete} it.
     */
    public Path save(InputStream in) {
        Path file;
        try {
            file = Files.createTempFile(dir, "upload-", ".audio");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + dir, e);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    // Read the rest (the server's payload limit bounds it) so the client gets the 413
                    // instead of a reset connection while it is still sending.
                    in.transferTo(OutputStream.nullOutputStream());
                    throw ApiException.tooLarge("the uploaded file is larger than the limit of "
                            + (maxBytes >> 20) + " MiB (--max-upload-mb)");
                }
                out.write(buf, 0, n);
            }
            return file;
        } catch (IOException e) {
            delete(file);
            throw new UncheckedIOException("upload interrupted", e);
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
    }

    public static void delete(Path file) {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning("cannot delete temporary upload " + file + ": " + e.getMessage());
        }
    }
}
