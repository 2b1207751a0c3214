package ai.ominix.server.cli;

import ai.ominix.bench.BenchJson;
import ai.ominix.bench.BenchResult;
import ai.ominix.bench.BenchTable;
import ai.ominix.bench.Metric;
import ai.ominix.bench.Repetitions;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.engine.ModelKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Reproducible speed benchmarks: the models at their real shapes, the CPU kernels, and random-weight "
                + "checkpoints to run them on without a download.",
                "Each prints a readable table, or with --json one JSON object per invocation (fields in BENCHMARKS.md), "
                        + "next to the machine's ceilings measured in the same run. Progress goes to stderr."},
        subcommands = {BenchAsrCommand.class, BenchChatCommand.class, BenchKernelsCommand.class, BenchMakeWeightsCommand.class})
public final class BenchCommand implements Runnable {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line of this invocation, quoted for a POSIX shell: what the report records to reproduce it. */
    static String commandLine(CommandLine.Model.CommandSpec spec) {
        List<String> args = spec.root().commandLine().getParseResult().originalArgs();
        return "ominix " + args.stream().map(BenchCommand::quote).collect(Collectors.joining(" "));
    }

    static String quote(String arg) {
        return PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The model {@code --model} names, which must be of the kind the bench runs. */
    static Path modelDir(Local local, String spec, ModelKind kind) {
        Path dir = local.model(spec, kind, "--model").dir();
        ModelKind actual = EngineLoaders.kindOf(dir);
        if (actual != kind) {
            throw new CliException(dir + " holds a " + actual.description() + " model, not a " + kind.description() + " model");
        }
        return dir;
    }

    static void print(BenchResult result, boolean json) {
        System.out.print(json ? BenchJson.render(result) + "\n" : BenchTable.render(result));
        System.out.flush();
    }

    /** One stderr line per finished run: warm-up or measured, with the metrics a person watches. */
    static Repetitions.Listener progress(List<Metric> shown) {
        return (warmup, index, of, values) -> {
            StringBuilder line = new StringBuilder(warmup ? "warm-up " : "run ").append(index).append('/').append(of).append(':');
            for (Metric m : shown) {
                Double v = values.get(m);
                if (v != null) line.append(String.format(Locale.ROOT, " %s %.3g %s;", m.label(), v * m.scale(), m.unit()));
            }
            System.err.println(line);
        };
    }
}
