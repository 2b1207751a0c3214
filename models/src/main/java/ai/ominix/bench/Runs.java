package ai.ominix.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measured (not warm-up) runs of a benchmark: for each run one value per metric, in the order
 * of {@link #metrics()}. NaN marks a value that run could not measure.
 */
public record Runs(List<Metric> metrics, List<double[]> values) {

    public Runs {
        metrics = List.copyOf(metrics);
        List<double[]> copy = new ArrayList<>();
        for (double[] v : values) {
            if (v.length != metrics.size()) {
                throw new IllegalArgumentException("a run has " + v.length + " values for " + metrics.size() + " metrics");
            }
            copy.add(v.clone());
        }
        values = List.copyOf(copy);
    }

    /** Collects runs given as metric → value maps (every metric must be present). */
    public static Runs of(List<Metric> metrics, List<Map<Metric, Double>> runs) {
        List<double[]> values = new ArrayList<>();
        for (Map<Metric, Double> r : runs) {
            double[] v = new double[metrics.size()];
            for (int i = 0; i < v.length; i++) {
                Double x = r.get(metrics.get(i));
                if (x == null) throw new IllegalArgumentException("run lacks metric " + metrics.get(i).key());
                v[i] = x;
            }
            values.add(v);
        }
        return new Runs(metrics, values);
    }

    public int count() {
        return values.size();
    }

    /** The metric's values over the runs. */
    public double[] column(int metric) {
        double[] c = new double[values.size()];
        for (int r = 0; r < c.length; r++) c[r] = values.get(r)[metric];
        return c;
    }

    public Summary summary(int metric) {
        return Summary.of(column(metric));
    }

    /** Run {@code r} as key → value, in metric order. */
    public Map<String, Double> run(int r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < metrics.size(); i++) m.put(metrics.get(i).key(), values.get(r)[i]);
        return m;
    }
}
