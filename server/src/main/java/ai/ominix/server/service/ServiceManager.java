package ai.ominix.server.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Installs, removes and inspects the ominix service: a launchd LaunchAgent on macOS, a
 * {@code systemd --user} unit on Linux. Reinstalling replaces the definition and restarts it;
 * uninstalling leaves models and configuration alone. Where no systemd user instance runs (see
 * {@link UserBus}) the unit is still written, removed or reported, with what to run once there is one.
 */
public final class ServiceManager {

    public enum Platform { LAUNCHD, SYSTEMD }

    /** A command's exit code and what it printed, stdout and stderr together. */
    public record Result(int code, String output) {}

    /** Runs system commands. */
    public interface Runner {
        /** With the terminal attached; returns the exit code. */
        int run(List<String> command);

        /** With its output collected, where a failure must be told apart from an absent user manager. */
        Result capture(List<String> command);
    }

    /**
     * What install left: the definition file; unless it started the service, a warning (null
     * where --no-start asked for it) and what to run to start it.
     */
    public record Installed(Path file, boolean started, String warning, String next) {}

    /** Whether there was a definition, and a warning when the service manager could not be told. */
    public record Uninstalled(boolean existed, String warning) {}

    private static final List<List<String>> SYSTEMD_START = List.of(List.of("systemctl", "--user", "daemon-reload"),
            List.of("systemctl", "--user", "enable", ServiceSpec.UNIT), List.of("systemctl", "--user", "restart", ServiceSpec.UNIT));

    private final Platform platform;
    private final Runner runner;
    private final Path home;
    private final String uid;
    private final UserBus bus;

    /** {@code env} is where systemctl finds the user bus ({@code XDG_RUNTIME_DIR}, {@code DBUS_SESSION_BUS_ADDRESS}). */
    public ServiceManager(Platform platform, Runner runner, Path home, String uid, Map<String, String> env) {
        this.platform = platform;
        this.runner = runner;
        this.home = home;
        this.uid = uid;
        this.bus = new UserBus(env, uid);
    }

    public static Platform detect() {
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.contains("mac")) return Platform.LAUNCHD;
        if (os.contains("linux")) return Platform.SYSTEMD;
        throw new IllegalStateException("services are supported on macOS (launchd) and Linux (systemd), not " + os);
    }

    /** Runs real processes; a command that cannot be started exits 127, as in a shell. */
    public static Runner system() {
        return new Runner() {
            @Override
            public int run(List<String> cmd) {
                try {
                    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
                } catch (IOException e) {
                    System.err.println("ominix: cannot run " + cmd.getFirst() + ": " + e.getMessage());
                    return 127;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 130;
                }
            }

            @Override
            public Result capture(List<String> cmd) {
                try {
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                            Path.of("/dev/null").toFile())).start();
                    String out;
                    try (InputStream in = p.getInputStream()) {
                        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    return new Result(p.waitFor(), out);
                } catch (IOException e) {
                    return new Result(127, "cannot run " + cmd.getFirst() + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Result(130, "interrupted");
                }
            }
        };
    }

    private String domain() {
        return "gui/" + uid;
    }

    /**
     * Writes the definition and, with {@code start}, (re)starts the service. Throws when the
     * service manager refuses it; the definition then stays for the user to inspect.
     */
    public Installed install(ServiceSpec spec, boolean start) {
        if (!spec.home().equals(home)) throw new IllegalArgumentException("spec is for another home");
        return switch (platform) {
            case LAUNCHD -> {
                Path plist = spec.paths().plistFile();
                mkdirs(spec.paths().macLogDir());
                if (!start) {
                    boolean replacing = Files.exists(plist);
                    writeAtomically(plist, LaunchdPlist.render(spec));
                    // RunAtLoad: launchd loads every LaunchAgent at login, so not starting lasts until then.
                    yield new Installed(plist, false, null, "not loaded (--no-start); launchd starts it at your next login, or now with:\n  "
                            + (replacing ? "launchctl bootout " + domain() + "/" + ServiceSpec.LABEL + "; " : "")
                            + "launchctl bootstrap " + domain() + " " + shellQuote(plist.toString()));
                }
                runner.run(List.of("launchctl", "bootout", domain() + "/" + ServiceSpec.LABEL)); // absent is fine
                writeAtomically(plist, LaunchdPlist.render(spec));
                check(List.of("launchctl", "bootstrap", domain(), plist.toString()));
                yield new Installed(plist, true, null, null);
            }
            case SYSTEMD -> {
                Path unit = spec.paths().unitFile();
                boolean replacing = Files.exists(unit);
                writeAtomically(unit, SystemdUnit.render(spec));
                if (!start) {
                    String next = "not started (--no-start); to start it now and at every login:" + indented(bus.startCommands(bus.absent()));
                    if (replacing) next += "\nif the previous unit is still running, 'systemctl --user restart " + ServiceSpec.UNIT
                            + "' replaces it";
                    yield new Installed(unit, false, null, next);
                }
                for (List<String> cmd : SYSTEMD_START) {
                    Result r = runner.capture(cmd);
                    String unreachable = bus.unreachable(r);
                    if (unreachable != null) {
                        yield new Installed(unit, false, "wrote the unit but could not start it: " + unreachable,
                                "to start it, also while you are not logged in:" + indented(bus.startCommands(true)));
                    }
                    if (r.code() != 0) {
                        throw new IllegalStateException(String.join(" ", cmd) + " failed (exit code " + r.code() + ")"
                                + indented(r.output().strip().lines().toList()) + "\nthe unit stays in " + unit
                                + "; see why with 'ominix service status' and 'ominix service logs'");
                    }
                }
                yield new Installed(unit, true, null, null);
            }
        };
    }

    /** Stops the service and removes its definition. */
    public Uninstalled uninstall() {
        ServicePaths where = new ServicePaths(home);
        return switch (platform) {
            case LAUNCHD -> {
                runner.run(List.of("launchctl", "bootout", domain() + "/" + ServiceSpec.LABEL));
                yield new Uninstalled(delete(where.plistFile()), null);
            }
            case SYSTEMD -> {
                List<String> disable = List.of("systemctl", "--user", "disable", "--now", ServiceSpec.UNIT);
                Result off = runner.capture(disable);
                boolean existed = delete(where.unitFile());
                String unreachable = bus.unreachable(off);
                if (unreachable != null) {
                    // What disable would have removed; left dangling it would make the next manager complain.
                    deleteLink(where.unitFile().resolveSibling("default.target.wants").resolve(ServiceSpec.UNIT));
                    yield new Uninstalled(existed, !existed ? null : "removed the unit but could not tell systemd: " + unreachable
                            + "\nnothing runs under it unless lingering is on (loginctl show-user $USER -p Linger); then stop it with:"
                            + indented(bus.stopCommands()));
                }
                runner.capture(List.of("systemctl", "--user", "daemon-reload"));
                yield new Uninstalled(existed, existed && off.code() != 0
                        ? String.join(" ", disable) + " failed (exit code " + off.code() + ")" + indented(off.output().strip().lines().toList())
                        : null);
            }
        };
    }

    /**
     * Prints the definition file and the manager's own status; returns 0 when it runs, 3 when it
     * is not installed (or, from systemctl, not running) and 4 when its state cannot be known.
     */
    public int status(PrintStream out) {
        ServicePaths where = new ServicePaths(home);
        Path file = platform == Platform.LAUNCHD ? where.plistFile() : where.unitFile();
        if (!Files.exists(file)) {
            out.println("not installed (" + file + " does not exist); install with 'ominix service install [serve flags]'");
            return 3;
        }
        out.println("definition: " + file);
        if (platform == Platform.LAUNCHD) {
            out.println("logs: " + where.macLogDir());
            return runner.run(List.of("launchctl", "print", domain() + "/" + ServiceSpec.LABEL));
        }
        Result r = runner.capture(List.of("systemctl", "--user", "status", "--no-pager", ServiceSpec.UNIT));
        String unreachable = bus.unreachable(r);
        if (unreachable != null) {
            out.println("state: unknown: " + unreachable);
            out.println("to start it, also while you are not logged in:" + indented(bus.startCommands(true)));
            return 4; // LSB: "program or service status is unknown"
        }
        out.print(r.output());
        return r.code();
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

    private static String indented(List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) b.append("\n  ").append(l);
        return b.toString();
    }

    /** For the commands we print: single quotes where the word needs any. */
    static String shellQuote(String word) {
        return word.matches("[A-Za-z0-9_./:@%+=-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
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

    private static void deleteLink(Path link) {
        try {
            if (Files.isSymbolicLink(link)) Files.delete(link);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + link, e);
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
