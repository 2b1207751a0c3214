package ai.ominix.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Checks, before a multi-GB write starts, that the files will fit on the disk. */
final class DiskSpace {

    /** Headroom on top of the tensor bytes: headers, tokenizer files, and what else is written meanwhile. */
    static final long MARGIN_BYTES = 64L << 20;

    private DiskSpace() {}

    /** Throws when the file system holding {@code dir} (or its nearest existing parent) has less than {@code bytes} free. */
    static void require(Path dir, long bytes) throws IOException {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) throw new IOException("no existing parent directory of " + dir);
        check(dir, bytes, Files.getFileStore(existing).getUsableSpace());
    }

    static void check(Path dir, long bytes, long usable) throws IOException {
        long needed = bytes + MARGIN_BYTES;
        if (usable < needed) {
            throw new IOException(String.format(Locale.ROOT,
                    "not enough disk space for %s: the checkpoint needs %.2f GB, the disk has %.2f GB free",
                    dir, needed / 1e9, usable / 1e9));
        }
    }
}
