package ai.ominix.server.cli;

import ai.ominix.bench.AsrSpeed;
import ai.ominix.kernel.KernelException;
import ai.ominix.server.engine.ModelKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "asr", mixinStandardHelpOptions = true,
        description = {"Speech-to-text speed: log-mel, audio encoder, prompt prefill and exactly N decode steps "
                + "(stop tokens ignored), with the real-time factor, CPU seconds per token and peak RSS.",
                "Random weights from 'ominix bench make-weights' run at the same speed as the released ones."})
public final class BenchAsrCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR|ID", description = "Qwen3-ASR model directory or id.")
    String model;

    @Option(names = "--audio", paramLabel = "FILE", description = "Audio file to transcribe (WAV, MP3, M4A, FLAC, Ogg).")
    Path audio;

    @Option(names = "--seconds", paramLabel = "S",
            description = "Length of the synthetic speech-like clip when no --audio is given (default: 30).")
    Double seconds;

    @Option(names = "--new-tokens", defaultValue = "64", paramLabel = "N",
            description = "Decode steps after the first token (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Mixin
    BenchRunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (audio != null && seconds != null) throw new CliException("give --audio or --seconds, not both");
        if (audio != null && !Files.isRegularFile(audio)) throw new CliException(audio + ": no such file");
        try (Local local = Local.fromEnvironment()) {
            Path dir = local.model(model, ModelKind.ASR, "--model").dir();
            AsrSpeed.Options o = new AsrSpeed.Options(dir, audio, seconds == null ? 30 : seconds, newTokens, run.toRunOptions());
            BenchCommand.print(AsrSpeed.measure(o, BenchCommand.commandLine(spec),
                    BenchCommand.progress(List.of(AsrSpeed.ENCODER_S, AsrSpeed.PREFILL_RATE, AsrSpeed.DECODE_RATE, AsrSpeed.RTF))),
                    run.json);
        } catch (UncheckedIOException | KernelException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
