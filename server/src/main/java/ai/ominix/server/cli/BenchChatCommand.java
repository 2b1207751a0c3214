package ai.ominix.server.cli;

import ai.ominix.bench.ChatSpeed;
import ai.ominix.kernel.KernelException;
import ai.ominix.server.engine.ModelKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat speed: prefill of a P-token prompt in one forward call (time to first token), then exactly "
                + "N decode steps (EOS ignored), with CPU seconds per token and peak RSS.",
                "Random weights from 'ominix bench make-weights' run at the same speed as the released ones."})
public final class BenchChatCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR|ID", description = "MiniCPM-SALA model directory or id.")
    String model;

    @Option(names = "--prompt-tokens", defaultValue = "512", paramLabel = "P",
            description = "Prompt length in tokens, up to the model's context (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "64", paramLabel = "N",
            description = "Decode steps after the first token (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Mixin
    BenchRunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Local local = Local.fromEnvironment()) {
            Path dir = local.model(model, ModelKind.CHAT, "--model").dir();
            ChatSpeed.Options o = new ChatSpeed.Options(dir, promptTokens, newTokens, run.toRunOptions());
            BenchCommand.print(ChatSpeed.measure(o, BenchCommand.commandLine(spec),
                    BenchCommand.progress(List.of(ChatSpeed.PREFILL_RATE, ChatSpeed.TTFT, ChatSpeed.DECODE_RATE))), run.json);
        } catch (UncheckedIOException | KernelException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
