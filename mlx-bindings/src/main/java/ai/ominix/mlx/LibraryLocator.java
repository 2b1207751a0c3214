package ai.ominix.mlx;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds {@code libmlxc} in the documented order: {@code MLX_C_LIBRARY} (a file), the
 * {@code mlx.library.path} system property (a file or a directory), {@code native/build/} (where
 * {@code scripts/build-mlx} installs it), the Homebrew prefixes {@code /opt/homebrew} and
 * {@code /usr/local}, {@code /opt/mlxc/lib}, then {@code java.library.path}.
 *
 * @param env environment lookup (System::getenv in production)
 * @param properties system property lookup (System::getProperty in production)
 * @param workDir directory {@code native/build} is resolved against
 */
record LibraryLocator(Function<String, String> env, Function<String, String> properties, Path workDir) {

    static final String ENV = "MLX_C_LIBRARY";
    static final String PROPERTY = "mlx.library.path";
    static final String FILE_NAME = System.mapLibraryName("mlxc");

    static LibraryLocator system() {
        return new LibraryLocator(System::getenv, System::getProperty, Path.of("").toAbsolutePath());
    }

    /** A location tried, and why it was tried. */
    record Candidate(String source, Path file) {}

    /** Every place looked at, in order. */
    List<Candidate> candidates() {
        List<Candidate> out = new ArrayList<>();
        String envFile = env.apply(ENV);
        if (envFile != null && !envFile.isBlank()) out.add(new Candidate(ENV, Path.of(envFile)));
        String prop = properties.apply(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            out.add(new Candidate("-D" + PROPERTY, Files.isDirectory(p) ? p.resolve(FILE_NAME) : p));
        }
        Path nativeBuild = workDir.resolve("native/build");
        out.add(new Candidate("native/build", nativeBuild.resolve("lib").resolve(FILE_NAME)));
        out.add(new Candidate("native/build", nativeBuild.resolve(FILE_NAME)));
        out.add(new Candidate("Homebrew", Path.of("/opt/homebrew/lib", FILE_NAME)));
        out.add(new Candidate("Homebrew", Path.of("/usr/local/lib", FILE_NAME)));
        out.add(new Candidate("/opt/mlxc", Path.of("/opt/mlxc/lib", FILE_NAME)));
        String jlp = properties.apply("java.library.path");
        if (jlp != null) {
            for (String dir : jlp.split(File.pathSeparator)) {
                if (!dir.isBlank()) out.add(new Candidate("java.library.path", Path.of(dir, FILE_NAME)));
            }
        }
        return out;
    }

    /**
     * The first candidate that exists. An explicit {@code MLX_C_LIBRARY} or
     * {@code mlx.library.path} that names a missing file is an error, not a silent fall-through.
     */
    Optional<Candidate> find() {
        for (Candidate c : candidates()) {
            if (Files.isRegularFile(c.file())) return Optional.of(c);
            if (c.source().equals(ENV) || c.source().equals("-D" + PROPERTY)) {
                throw new MlxUnavailableException(c.source() + " points to " + c.file() + ", which does not exist. "
                        + HOW_TO_BUILD);
            }
        }
        return Optional.empty();
    }

    String notFoundMessage() {
        StringBuilder sb = new StringBuilder("mlx-c (" + FILE_NAME + ") was not found. Looked in:");
        for (Candidate c : candidates()) sb.append("\n  ").append(c.file()).append("  (").append(c.source()).append(')');
        return sb.append("\n").append(HOW_TO_BUILD).toString();
    }

    static final String HOW_TO_BUILD = "Build mlx-c 0.6.0 with scripts/build-mlx (installs into native/build/lib; "
            + "see README, \"MLX backend\"), or set " + ENV + "=/path/to/" + FILE_NAME
            + " or -D" + PROPERTY + "=<dir or file>.";
}
