package ai.ominix.server.cli;

import ai.ominix.bench.KernelBench;
import ai.ominix.bench.RealShapes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = {"CPU backend kernels at the real layer shapes of Qwen3-ASR 0.6B/1.7B and MiniCPM-SALA 9B, next to "
                + "this machine's copy and read bandwidth, FMA peak and f32 GEMM peak measured in the same run.",
                "Quantized matvec (decode) in GB/s of weights and % of bandwidth; GEMM at prefill shapes in GFLOP/s and % of peak."})
public final class BenchKernelsCommand implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "0", paramLabel = "T", description = "Kernel threads (default: all cores).")
    int threads;

    @Option(names = "--model", paramLabel = "NAME", split = ",",
            description = "Only these models' layer shapes: qwen3-asr-0.6b, qwen3-asr-1.7b, minicpm-sala-9b (default: all).")
    List<String> models;

    @Option(names = "--quick", description = "Shorter timing budgets, smaller ceilings and prefill lengths.")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object (fields in BENCHMARKS.md) instead of the table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (threads < 0) throw new CliException("--threads must be 0 (all cores) or more");
        List<String> only = models == null ? RealShapes.NAMES : models;
        for (String m : only) {
            if (!RealShapes.NAMES.contains(m)) {
                throw new CliException("unknown model '" + m + "'; expected one of " + String.join(", ", RealShapes.NAMES));
            }
        }
        BenchCommand.print(KernelBench.measure(threads, quick, only, BenchCommand.commandLine(spec), row ->
                System.err.printf(Locale.ROOT, "%s · %s · %s: %.4g %s%n", row.get("kernel"), row.get("model"), row.get("shape"),
                        ((Number) row.get("figure")).doubleValue(), row.get("unit"))), json);
        return 0;
    }
}
