package ai.ominix.bench;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frame the model benchmarks share: open the backend, load the model (timed), warm up and
 * repeat, measure the ceilings with the same thread count, add each run's ratios to them, and
 * assemble the report.
 */
final class ModelBench {

    /** What a benchmark measures on a loaded model. */
    interface Speed {
        /** One run: what it measured, without the ratios to the ceilings. */
        Map<Metric, Double> once();

        /** The run with its ratios to the ceilings added. */
        Map<Metric, Double> withCeilings(Map<Metric, Double> run, Ceilings ceilings);
    }

    /**
     * A loaded model ready to be measured.
     *
     * @param modelFields what the bench adds to the report's {@code model} object
     * @param release     frees the model's weights
     */
    record Loaded(Speed speed, Map<String, Object> modelFields, Runnable release) {}

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
            long t0 = System.nanoTime();
            Loaded model = loader.load(backend);
            try {
                double loadS = (System.nanoTime() - t0) / 1e9;
                List<Map<Metric, Double>> measured = Repetitions.run(o.warmup(), o.repeat(), model.speed()::once, listener);
                // after the runs, so that the bandwidth buffer does not count in their peak RSS
                Ceilings ceilings = Ceilings.measure(threads, o.bandwidthBytes());
                Runs runs = Runs.of(metrics, measured.stream().map(run -> model.speed().withCeilings(run, ceilings)).toList());
                Map<String, Object> modelFields = facts.fields();
                modelFields.put("load_s", loadS);
                modelFields.putAll(model.modelFields());
                Map<String, Object> allSettings = new LinkedHashMap<>(settings);
                allSettings.put("warmup", o.warmup());
                allSettings.put("repeat", o.repeat());
                return BenchResult.ofRuns(started.finish(backend.name(), threads), modelFields, allSettings,
                        ceilings.fields(), runs);
            } finally {
                model.release().run();
            }
        }
    }
}
