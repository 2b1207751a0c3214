package ai.ominix.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which server-side files a JSON transcription request may name in {@code file_path}: only regular
 * files whose real path (symbolic links resolved) lies under one of the allowed directories.
 * Errors never say more about a path outside those directories than that it is not allowed.
 */
public final class FilePathPolicy {
    private final List<Path> allowed;

    /** @param allowedDirs directories (empty: {@code file_path} is disabled) */
    public FilePathPolicy(List<Path> allowedDirs) {
        this.allowed = allowedDirs.stream().map(FilePathPolicy::real).toList();
    }

    public List<Path> allowed() {
        return allowed;
    }

    public Path check(String filePath) {
        if (allowed.isEmpty()) {
            throw ApiException.badRequest("file_path_not_allowed", "file_path",
                    "file_path is disabled on this server (start it with --allow-file-path DIR); upload the file instead");
        }
        if (filePath.isBlank() || filePath.indexOf('\0') >= 0) throw Fields.invalid("file_path", "is not a valid path");
        Path p;
        try {
            p = Path.of(filePath);
        } catch (RuntimeException e) {
            throw Fields.invalid("file_path", "is not a valid path");
        }
        if (!p.isAbsolute()) throw Fields.invalid("file_path", "must be an absolute path");
        Path normal = p.normalize();
        if (!inside(normal)) throw notAllowed();
        if (!Files.exists(normal)) {
            throw ApiException.badRequest("file_not_found", "file_path", "file_path does not exist: " + Fields.echo(filePath));
        }
        Path real = real(normal);
        if (!inside(real)) throw notAllowed(); // a symbolic link that points outside
        if (!Files.isRegularFile(real)) {
            throw ApiException.badRequest("file_not_found", "file_path", "file_path is not a regular file: " + Fields.echo(filePath));
        }
        if (!Files.isReadable(real)) {
            throw ApiException.badRequest("file_not_readable", "file_path", "file_path is not readable by the server");
        }
        return real;
    }

    private boolean inside(Path p) {
        for (Path dir : allowed) {
            if (p.startsWith(dir)) return true;
        }
        return false;
    }

    private static ApiException notAllowed() {
        return ApiException.badRequest("file_path_not_allowed", "file_path",
                "file_path is outside the directories this server may read (--allow-file-path)");
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
