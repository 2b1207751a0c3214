package ai.ominix.server.cli;

import ai.ominix.bench.RunOptions;
import picocli.CommandLine.Option;

/** The options every model benchmark takes. */
public final class BenchRunOptions {
    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or mlx (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "T",
            description = "CPU backend kernel threads, also used for the ceilings (default: all cores).")
    int threads;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "W",
            description = "Unreported runs first, identical to the measured ones (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "R",
            description = "Measured runs; min, median and max are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--bandwidth-buffer-mib", defaultValue = "1024", paramLabel = "MIB",
            description = "Buffer the read-bandwidth ceiling streams; keep it far above the last-level cache "
                    + "(default: ${DEFAULT-VALUE}).")
    int bandwidthBufferMib;

    @Option(names = "--json", description = "Print one JSON object (fields in BENCHMARKS.md) instead of the table.")
    boolean json;

    RunOptions toRunOptions() {
        if (bandwidthBufferMib < 1) throw new CliException("--bandwidth-buffer-mib must be at least 1");
        return new RunOptions(backend, threads, warmup, repeat, (long) bandwidthBufferMib << 20);
    }
}
