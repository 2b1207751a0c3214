package ai.ominix.server.cli;

import ai.ominix.server.service.ServiceManager;
import ai.ominix.server.service.ServiceSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Run ominix as a login service: a launchd LaunchAgent on macOS, a systemd --user unit on Linux.",
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Status.class,
                ServiceCommand.Logs.class})
public final class ServiceCommand implements Runnable {
    /** Environment the service keeps from the installing shell. */
    static final List<String> KEPT_ENV = List.of("OMINIX_HOME", "OMINIX_API_KEY", "OMINIX_JAVA_OPTS", "HF_HOME",
            "HF_HUB_CACHE", "HF_ENDPOINT", "HF_TOKEN", "MLX_C_LIBRARY", "JAVA_HOME", "PATH");
    private static final Set<String> PATH_FLAGS = Set.of("--models-dir", "--allow-file-path");
    private static final Set<String> MODEL_FLAGS = Set.of("--asr-model", "--chat-model");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static ServiceManager manager() {
        return new ServiceManager(ServiceManager.detect(), ServiceManager.system(), home(), uid(), System.getenv());
    }

    /** A file that cannot be written or deleted is the user's to fix: one line, no stack trace. */
    static <T> T files(Supplier<T> action) {
        try {
            return action.get();
        } catch (UncheckedIOException e) {
            throw new CliException(e.getMessage() + " (" + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage() + ")");
        }
    }

    static Path home() {
        return Path.of(System.getProperty("user.home"));
    }

    static String uid() {
        return Long.toString(new com.sun.security.auth.module.UnixSystem().getUid());
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install (or replace) and start the service; any 'ominix serve' flags follow, e.g. "
                    + "'ominix service install --asr-model mlx-community/Qwen3-ASR-0.6B-8bit --port 8080'. "
                    + "Where no systemd user instance runs (no user bus) the unit is written and the commands that start it are printed.")
    static final class Install implements Callable<Integer> {
        @Option(names = "--no-start", description = "Write the definition but do not start it; print the commands that will.")
        boolean noStart;

        @Unmatched
        List<String> serveArgs = new ArrayList<>();

        @Override
        public Integer call() {
            ServiceSpec spec = spec(serveArgs, System.getenv(), home(), launcher());
            ServiceManager.Installed done = files(() -> manager().install(spec, !noStart));
            System.out.println("installed " + done.file() + "\n  " + String.join(" ", spec.command()));
            if (done.warning() != null) {
                System.err.println("ominix: warning: " + done.warning());
                System.err.println(done.next());
            } else if (done.next() != null) {
                System.out.println(done.next());
            }
            return 0;
        }
    }

    /** Validates the serve flags (a typo fails now, not at every login) and makes paths absolute. */
    public static ServiceSpec spec(List<String> serveArgs, Map<String, String> env, Path home, Path launcher) {
        new CommandLine(new ServeCommand()).parseArgs(serveArgs.toArray(String[]::new));
        List<String> args = new ArrayList<>();
        for (int i = 0; i < serveArgs.size(); i++) {
            String a = serveArgs.get(i);
            int eq = a.indexOf('=');
            String flag = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
            boolean inline = eq > 0 && a.startsWith("--");
            if (PATH_FLAGS.contains(flag) || MODEL_FLAGS.contains(flag)) {
                String value = inline ? a.substring(eq + 1) : serveArgs.get(++i);
                Path p = Path.of(value);
                boolean isPath = PATH_FLAGS.contains(flag) || Files.isDirectory(p);
                args.add(flag);
                args.add(isPath ? p.toAbsolutePath().normalize().toString() : value);
            } else {
                args.add(a);
            }
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (String k : KEPT_ENV) {
            String v = env.get(k);
            if (v != null && !v.isBlank()) kept.put(k, v);
        }
        return new ServiceSpec(launcher, args, kept, home);
    }

    /** The launcher script that started us ({@code scripts/ominix} exports its own path). */
    static Path launcher() {
        String fromScript = System.getenv("OMINIX_LAUNCHER");
        if (fromScript != null && Files.isExecutable(Path.of(fromScript))) return Path.of(fromScript).toAbsolutePath();
        try {
            Path jar = Path.of(ServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path script = jar.getParent().getParent().getParent().resolve("scripts/ominix");
            if (Files.isExecutable(script)) return script.toAbsolutePath().normalize();
        } catch (Exception ignored) {
            // Fall through to the message below.
        }
        throw new CliException("cannot tell where the ominix launcher is; run this through scripts/ominix");
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = "Stop the service and remove its definition (models and configuration stay).")
    static final class Uninstall implements Callable<Integer> {
        @Override
        public Integer call() {
            ServiceManager.Uninstalled done = files(() -> manager().uninstall());
            System.out.println(done.existed() ? "uninstalled" : "was not installed");
            if (done.warning() != null) System.err.println("ominix: warning: " + done.warning());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether the service is installed and running; "
            + "exit code 3 when it is not installed (or not running), 4 when its state is unknown (no systemd user instance to ask).")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            return manager().status(System.out);
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Show the service's recent log.")
    static final class Logs implements Callable<Integer> {
        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines.")
        boolean follow;

        @Option(names = {"-n", "--lines"}, defaultValue = "200", description = "Lines to show (default: ${DEFAULT-VALUE}).")
        int lines;

        @Override
        public Integer call() {
            return manager().logs(follow, lines);
        }
    }
}
