package ai.ominix.server.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs, removes and inspects the ominix service: a launchd LaunchAgent on macOS, a
 * {@code systemd --user} unit on Linux. Reinstalling replaces the definition and restarts it;
 * uninstalling leaves models and configuration alone.
 */
public final class ServiceManager {

    public enum Platform { LAUNCHD, SYSTEMD }

    /** Runs a system command; returns its exit code. */
    @FunctionalInterface
    public interface Runner {
        int run(List<String> command);
    }

    private final Platform platform;
    private final Runner runner;
    private final Path home;
    private final String uid;

    public ServiceManager(Platform platform, Runner runner, Path home, String uid) {
        this.platform = platform;
        this.runner = runner;
        this.home = home;
        this.uid = uid;
    }

    public static Platform detect() {
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.contains("mac")) return Platform.LAUNCHD;
        if (os.contains("linux")) return Platform.SYSTEMD;
        throw new IllegalStateException("services are supported on macOS (launchd) and Linux (systemd), not " + os);
    }

    /** Runs commands with the terminal attached. */
    public static Runner inheritIo() {
        return cmd -> {
            try {
                return new ProcessBuilder(cmd).inheritIO().start().waitFor();
            } catch (IOException e) {
                System.err.println("ominix: cannot run " + cmd.getFirst() + ": " + e.getMessage());
                return 127;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        };
    }

    private String domain() {
        return "gui/" + uid;
    }

    /** Writes the definition and (re)starts the service. Returns the definition file. */
    public Path install(ServiceSpec spec) {
        if (!spec.home().equals(home)) throw new IllegalArgumentException("spec is for another home");
        return switch (platform) {
            case LAUNCHD -> {
                mkdirs(spec.paths().macLogDir());
                runner.run(List.of("launchctl", "bootout", domain() + "/" + ServiceSpec.LABEL)); // absent is fine
                writeAtomically(spec.paths().plistFile(), LaunchdPlist.render(spec));
                check(List.of("launchctl", "bootstrap", domain(), spec.paths().plistFile().toString()));
                yield spec.paths().plistFile();
            }
            case SYSTEMD -> {
                writeAtomically(spec.paths().unitFile(), SystemdUnit.render(spec));
                check(List.of("systemctl", "--user", "daemon-reload"));
                check(List.of("systemctl", "--user", "enable", ServiceSpec.UNIT));
                check(List.of("systemctl", "--user", "restart", ServiceSpec.UNIT));
                yield spec.paths().unitFile();
            }
        };
    }

    /** Stops the service and removes its definition. True when there was one. */
    public boolean uninstall() {
        ServicePaths where = new ServicePaths(home);
        return switch (platform) {
            case LAUNCHD -> {
                runner.run(List.of("launchctl", "bootout", domain() + "/" + ServiceSpec.LABEL));
                yield delete(where.plistFile());
            }
            case SYSTEMD -> {
                runner.run(List.of("systemctl", "--user", "disable", "--now", ServiceSpec.UNIT));
                boolean existed = delete(where.unitFile());
                runner.run(List.of("systemctl", "--user", "daemon-reload"));
                yield existed;
            }
        };
    }

    /** The definition file, whether installed, and the manager's own status output. */
    public int status() {
        ServicePaths where = new ServicePaths(home);
        Path file = platform == Platform.LAUNCHD ? where.plistFile() : where.unitFile();
        if (!Files.exists(file)) {
            System.out.println("not installed (" + file + " does not exist); install with 'ominix service install [serve flags]'");
            return 3;
        }
        System.out.println("definition: " + file);
        if (platform == Platform.LAUNCHD) System.out.println("logs: " + where.macLogDir());
        return platform == Platform.LAUNCHD
                ? runner.run(List.of("launchctl", "print", domain() + "/" + ServiceSpec.LABEL))
                : runner.run(List.of("systemctl", "--user", "status", "--no-pager", ServiceSpec.UNIT));
    }

    /** Shows the service's recent log (and follows it with {@code follow}). */
    public int logs(boolean follow, int lines) {
        ServicePaths where = new ServicePaths(home);
        List<String> cmd = new ArrayList<>();
        if (platform == Platform.LAUNCHD) {
            cmd.addAll(List.of("tail", "-n", Integer.toString(lines)));
            if (follow) cmd.add("-F");
            cmd.add(where.macLogDir().resolve("ominix.err.log").toString());
            cmd.add(where.macLogDir().resolve("ominix.out.log").toString());
        } else {
            cmd.addAll(List.of("journalctl", "--user", "-u", ServiceSpec.UNIT, "-n", Integer.toString(lines), "--no-pager"));
            if (follow) cmd.add("-f");
        }
        return runner.run(cmd);
    }

    private void check(List<String> cmd) {
        int rc = runner.run(cmd);
        if (rc != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + rc);
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Owner-only (it may hold an API key), replaced in one rename. */
    private static void writeAtomically(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, content);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
