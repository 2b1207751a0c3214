package ai.ominix.server;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.kernel.KernelException;
import ai.ominix.server.cli.BenchCommand;
import ai.ominix.server.cli.ChatCommand;
import ai.ominix.server.cli.CliException;
import ai.ominix.server.cli.ModelsCommand;
import ai.ominix.server.cli.PsCommand;
import ai.ominix.server.cli.PullCommand;
import ai.ominix.server.cli.RmCommand;
import ai.ominix.server.cli.ServeCommand;
import ai.ominix.server.cli.ServiceCommand;
import ai.ominix.server.cli.TranscribeCommand;
import ai.ominix.server.http.ApiException;
import ai.ominix.server.hub.HubException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ominix} command. */
@Command(name = "ominix", mixinStandardHelpOptions = true, version = "ominix 0.1.0",
        description = "Local OpenAI-compatible speech-to-text (Qwen3-ASR) and chat (MiniCPM-SALA) server.",
        subcommands = {ServeCommand.class, TranscribeCommand.class, ChatCommand.class, PullCommand.class,
                ModelsCommand.class, PsCommand.class, RmCommand.class, ServiceCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        io.helidon.logging.common.LogConfig.configureRuntime();
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (0 ok, 1 failed, 2 usage). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = switch (e) {
                case CliException c -> c.getMessage();
                case ApiException a -> a.getMessage();
                case ModelLoadException m -> m.getMessage();
                case HubException h -> h.getMessage();
                case KernelException k -> k.getMessage();
                case IllegalArgumentException i -> i.getMessage();
                case IllegalStateException i -> i.getMessage();
                default -> {
                    e.printStackTrace(System.err);
                    yield e.toString();
                }
            };
            cmd.getErr().println("ominix " + cmd.getCommandName() + ": " + message);
            return 1;
        });
        return cli.execute(args);
    }
}
