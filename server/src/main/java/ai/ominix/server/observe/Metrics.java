package ai.ominix.server.observe;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counters, histograms and gauges rendered in the Prometheus text exposition format (version
 * 0.0.4). Small on purpose: label sets are fixed by the server (routes, statuses, model kinds), so
 * cardinality stays bounded.
 */
public final class Metrics {
    public static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
    public static final double[] RATES = {1, 2, 5, 10, 20, 30, 50, 100, 200, 500};
    public static final double[] RATIOS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

    private record Family(String name, String type, String help, double[] buckets) {}

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, Map<String, DoubleAdder>> counters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Histogram>> histograms = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Map<String, Double>>> gauges = new ConcurrentHashMap<>();

    public void counter(String name, String help) {
        families.put(name, new Family(name, "counter", help, null));
    }

    public void histogram(String name, String help, double[] buckets) {
        families.put(name, new Family(name, "histogram", help, buckets));
    }

    /** A gauge whose samples (label string → value) are computed at scrape time. */
    public void gauge(String name, String help, Supplier<Map<String, Double>> samples) {
        families.put(name, new Family(name, "gauge", help, null));
        gauges.put(name, samples);
    }

    /** A counter kept elsewhere (e.g. by the downloads), read at scrape time. */
    public void counterOf(String name, String help, Supplier<Map<String, Double>> samples) {
        families.put(name, new Family(name, "counter", help, null));
        gauges.put(name, samples);
    }

    /** @param labels alternating names and values */
    public void inc(String name, double by, String... labels) {
        counters.computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(labels(labels), k -> new DoubleAdder()).add(by);
    }

    public void observe(String name, double value, String... labels) {
        Family f = families.get(name);
        histograms.computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(labels(labels), k -> new Histogram(f.buckets())).observe(value);
    }

    public double count(String name, String... labels) {
        DoubleAdder a = counters.getOrDefault(name, Map.of()).get(labels(labels));
        return a == null ? 0 : a.sum();
    }

    /** {@code {a="x",b="y"}} with Prometheus escaping, or "" for no labels. */
    public static String labels(String... kv) {
        if (kv.length == 0) return "";
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append(kv[i]).append("=\"")
                    .append(kv[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return sb.append('}').toString();
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        for (Family f : new TreeMap<>(families).values()) {
            out.append("# HELP ").append(f.name()).append(' ').append(f.help()).append('\n');
            out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            switch (f.type()) {
                case "counter" -> {
                    if (gauges.containsKey(f.name())) {
                        new TreeMap<>(gauges.get(f.name()).get())
                                .forEach((l, v) -> out.append(f.name()).append(l).append(' ').append(num(v)).append('\n'));
                    }
                    new TreeMap<>(counters.getOrDefault(f.name(), Map.of()))
                            .forEach((l, v) -> out.append(f.name()).append(l).append(' ').append(num(v.sum())).append('\n'));
                }
                case "gauge" -> new TreeMap<>(gauges.get(f.name()).get())
                        .forEach((l, v) -> out.append(f.name()).append(l).append(' ').append(num(v)).append('\n'));
                default -> new TreeMap<>(histograms.getOrDefault(f.name(), Map.of()))
                        .forEach((l, h) -> h.render(out, f.name(), l));
            }
        }
        return out.toString();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.buckets = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) buckets[i] = new LongAdder();
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) if (v <= bounds[i]) buckets[i].increment();
            count.increment();
            sum.add(v);
        }

        void render(StringBuilder out, String name, String labels) {
            String inner = labels.isEmpty() ? "" : labels.substring(1, labels.length() - 1) + ",";
            for (int i = 0; i < bounds.length; i++) {
                out.append(name).append("_bucket{").append(inner).append("le=\"").append(num(bounds[i])).append("\"} ")
                        .append(buckets[i].sum()).append('\n');
            }
            out.append(name).append("_bucket{").append(inner).append("le=\"+Inf\"} ").append(count.sum()).append('\n');
            out.append(name).append("_sum").append(labels).append(' ').append(num(sum.sum())).append('\n');
            out.append(name).append("_count").append(labels).append(' ').append(count.sum()).append('\n');
        }
    }
}
