package ai.ominix.bench;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The frame the model benchmarks share: open the backend, measure the ceilings with the same
 * thread count, load the model (timed), warm up and repeat, and assemble the report.
 */
final class ModelBench {

    /** A loaded model ready to be measured; closing it frees the weights. */
    interface Loaded extends AutoCloseable {
        /** One measured run at the given ceilings. */
        Supplier<Map<Metric, Double>> runner(Ceilings ceilings);

        /** Fields this bench adds to the report's {@code model} object. */
        Map<String, Object> modelFields();

        @Override
        void close();
    }

    @FunctionalInterface
    interface Loader {
        Loaded load(Backend backend);
    }

    private ModelBench() {}

    static BenchResult run(String bench, String command, RunOptions o, Path modelDir, List<Metric> metrics,
                           Map<String, Object> settings, Loader loader, Repetitions.Listener listener) {
        RunInfo.Started started = RunInfo.start(bench, command);
        ModelFacts facts = ModelFacts.read(modelDir);
        try (Backend backend = Backends.open(o.backend(), o.threads())) {
            int threads = backend instanceof CpuBackend cpu ? cpu.threads()
                    : o.threads() > 0 ? o.threads() : Runtime.getRuntime().availableProcessors();
            Ceilings ceilings = Ceilings.measure(threads, o.bandwidthBytes());
            long t0 = System.nanoTime();
            try (Loaded model = loader.load(backend)) {
                double loadS = (System.nanoTime() - t0) / 1e9;
                Runs runs = Repetitions.run(metrics, o.warmup(), o.repeat(), model.runner(ceilings), listener);
                Map<String, Object> modelFields = facts.fields();
                modelFields.put("load_s", loadS);
                modelFields.putAll(model.modelFields());
                Map<String, Object> allSettings = new LinkedHashMap<>(settings);
                allSettings.put("warmup", o.warmup());
                allSettings.put("repeat", o.repeat());
                return BenchResult.ofRuns(started.finish(backend.name(), threads), modelFields, allSettings,
                        ceilings.fields(), runs);
            }
        }
    }
}
