package ai.ominix.server.cli;

import ai.ominix.bench.AsrSpeed;
import ai.ominix.bench.GenerationMetrics;
import ai.ominix.server.engine.ModelKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Mixin
    BenchRunOptions bench;

    @Override
    public Integer call() {
        if (audio != null && seconds != null) throw new CliException("give --audio or --seconds, not both");
        if (audio != null && !Files.isRegularFile(audio)) throw new CliException(audio + ": no such file");
        bench.run(model, ModelKind.ASR,
                List.of(AsrSpeed.ENCODER_S, GenerationMetrics.PREFILL_RATE, GenerationMetrics.DECODE_RATE, AsrSpeed.RTF),
                (dir, options, command, listener) -> AsrSpeed.measure(
                        new AsrSpeed.Options(dir, audio, seconds == null ? 30 : seconds, bench.newTokens, options), command, listener));
        return 0;
    }
}
