package ai.ominix.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a measurement {@code warmup} times without recording it (JIT compilation, weights paged
 * in, buffers pooled), then {@code repeat} times recorded. A full GC before every run keeps the
 * previous run's garbage out of the next one's time.
 */
public final class Repetitions {

    /** Told after each run; {@code warmup} runs are not part of the result. */
    @FunctionalInterface
    public interface Listener {
        void finished(boolean warmup, int index, int of, Map<Metric, Double> values);
    }

    private Repetitions() {}

    /** The measured runs' values, in order. */
    public static List<Map<Metric, Double>> run(int warmup, int repeat, Supplier<Map<Metric, Double>> once,
                                               Listener listener) {
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmup);
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        for (int i = 0; i < warmup; i++) {
            System.gc();
            listener.finished(true, i + 1, warmup, once.get());
        }
        List<Map<Metric, Double>> measured = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            System.gc();
            Map<Metric, Double> values = once.get();
            measured.add(values);
            listener.finished(false, i + 1, repeat, values);
        }
        return measured;
    }
}
