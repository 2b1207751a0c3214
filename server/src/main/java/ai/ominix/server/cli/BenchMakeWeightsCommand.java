package ai.ominix.server.cli;

import ai.ominix.bench.RandomWeights;
import ai.ominix.bench.RealShapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "make-weights", mixinStandardHelpOptions = true,
        description = {"Write a checkpoint with random weights at a released model's real shapes, in exactly the published "
                + "on-disk layout (config.json, MLX-quantized safetensors, tokenizer files), for the speed benchmarks.",
                "The same seed gives byte-identical files. Free disk space is checked first (minicpm-sala-9b: ~10.4 GB at 8 bits)."})
public final class BenchMakeWeightsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "NAME",
            description = "qwen3-asr-0.6b, qwen3-asr-1.7b or minicpm-sala-9b.")
    String model;

    @Option(names = "--bits", defaultValue = "8", paramLabel = "8|4", description = "Quantization bits (default: ${DEFAULT-VALUE}).")
    int bits;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (absent or empty).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--force", description = "Write into a directory that is not empty, replacing the checkpoint's files.")
    boolean force;

    @Override
    public Integer call() {
        if (!RealShapes.NAMES.contains(model)) {
            throw new CliException("unknown model '" + model + "'; expected one of " + String.join(", ", RealShapes.NAMES));
        }
        RandomWeights.Shape shape = RandomWeights.real(model);
        long bytes = RandomWeights.weightBytes(shape, bits);
        System.err.printf(Locale.ROOT, "writing %s, %d-bit, seed %d: %.2f GB of weights into %s%n", model, bits, seed,
                bytes / 1e9, out);
        long t0 = System.nanoTime();
        try {
            RandomWeights.write(shape, bits, seed, out, force);
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.sorted().toList()) System.out.printf(Locale.ROOT, "%14d  %s%n", Files.size(f), f);
            }
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        } catch (UncheckedIOException e) {
            throw new CliException(e.getCause().getMessage());
        }
        System.err.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
