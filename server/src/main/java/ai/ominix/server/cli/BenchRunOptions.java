package ai.ominix.server.cli;

import ai.ominix.bench.BenchResult;
import ai.ominix.bench.Metric;
import ai.ominix.bench.Repetitions;
import ai.ominix.bench.RunOptions;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.KernelException;
import ai.ominix.server.engine.ModelKind;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The options every model benchmark takes, and the run they drive. */
public final class BenchRunOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--new-tokens", defaultValue = "64", paramLabel = "N",
            description = "Decode steps after the first token, stop tokens ignored (default: ${DEFAULT-VALUE}).")
    int newTokens;

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

    /** A model benchmark on a resolved model directory. */
    @FunctionalInterface
    interface Measurement {
        BenchResult measure(Path dir, RunOptions options, String command, Repetitions.Listener listener);
    }

    /** Resolves {@code --model} (of the bench's kind), measures, and prints the report; progress shows {@code shown}. */
    void run(String model, ModelKind kind, List<Metric> shown, Measurement measurement) {
        RunOptions options = toRunOptions();
        requireBackend();
        try (Local local = Local.fromEnvironment()) {
            Path dir = BenchCommand.modelDir(local, model, kind);
            BenchCommand.print(measurement.measure(dir, options, BenchCommand.commandLine(command),
                    BenchCommand.progress(shown)), json);
        } catch (UncheckedIOException | KernelException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * Fails before the model is resolved (possibly pulled) when the requested backend cannot be
     * opened, e.g. {@code --backend mlx} without mlx-c. The bench opens its own backend later;
     * opening one here and closing it again costs a library load, which the process keeps.
     */
    private void requireBackend() {
        if (backend.equals("auto") || backend.equals("cpu")) return; // these always open
        try (Backend probe = Backends.open(backend, 1)) {
            probe.name();
        } catch (KernelException e) {
            throw new CliException(e.getMessage());
        }
    }

    RunOptions toRunOptions() {
        if (bandwidthBufferMib < 1) throw new CliException("--bandwidth-buffer-mib must be at least 1");
        return new RunOptions(backend, threads, warmup, repeat, (long) bandwidthBufferMib << 20);
    }
}
