package ai.ominix.server.cli;

import ai.ominix.bench.ChatSpeed;
import ai.ominix.bench.GenerationMetrics;
import ai.ominix.server.engine.ModelKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Option(names = "--json-schema", paramLabel = "FILE|json_object",
            description = "Decode under this structured-output constraint (a JSON-schema file, or json_object) and report "
                    + "its cost per token next to the decode step.")
    String format;

    @Option(names = "--mask-tokenizer", paramLabel = "DIR",
            description = "With --json-schema: the tokenizer whose vocabulary is masked (default: the model's), e.g. a "
                    + "real one where the model has random weights and a tiny tokenizer.")
    java.nio.file.Path maskTokenizer;

    @Mixin
    BenchRunOptions bench;

    @Override
    public Integer call() {
        bench.run(model, ModelKind.CHAT,
                List.of(GenerationMetrics.PREFILL_RATE, ChatSpeed.TTFT, GenerationMetrics.DECODE_RATE),
                (dir, options, command, listener) -> ChatSpeed.measure(
                        new ChatSpeed.Options(dir, promptTokens, bench.newTokens, options, format, maskTokenizer), command, listener));
        return 0;
    }
}
