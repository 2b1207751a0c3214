package ai.ominix.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A {@link BenchResult} for people: a short header (command, machine, backend, model, settings,
 * ceilings) and a markdown table that can be pasted into BENCHMARKS.md as it is. Repeated runs
 * show min, median and max per metric; kernel rows show one line per case.
 */
public final class BenchTable {

    private BenchTable() {}

    public static String render(BenchResult r) {
        RunInfo info = r.info();
        MachineInfo m = info.machine();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "ominix bench %s · %s · %.1f s%n", info.bench(), info.startedAt(), info.seconds()));
        b.append("command:  ").append(info.command()).append('\n');
        b.append(String.format(Locale.ROOT, "machine:  %s · %d logical CPUs · %s %s · JDK %s · %d-bit vectors · load %s → %s%n",
                m.cpuModel(), m.logicalCpus(), m.os(), m.arch(), m.jdk(), m.vectorBits(), number(info.loadStart()),
                number(info.loadEnd())));
        b.append("backend:  ").append(info.backend()).append(" · ").append(info.threads()).append(" threads\n");
        if (!r.model().isEmpty()) b.append("model:    ").append(pairs(r.model())).append('\n');
        b.append("settings: ").append(pairs(r.settings())).append('\n');
        b.append("ceilings: ").append(pairs(r.ceilings())).append(" (measured in this run)\n\n");
        if (r.runs() != null) runsTable(b, r.runs());
        if (!r.rows().isEmpty()) rowsTable(b, r.rows());
        return b.toString();
    }

    private static void runsTable(StringBuilder b, Runs runs) {
        b.append("| metric | unit | min | median | max |\n|---|---|---|---|---|\n");
        for (int i = 0; i < runs.metrics().size(); i++) {
            Metric metric = runs.metrics().get(i);
            Summary s = runs.summary(i);
            double k = metric.scale();
            b.append("| ").append(metric.label()).append(" | ").append(metric.unit()).append(" | ")
                    .append(number(s.min() * k)).append(" | ").append(number(s.median() * k)).append(" | ")
                    .append(number(s.max() * k)).append(" |\n");
        }
        b.append(String.format(Locale.ROOT, "(%d measured runs)%n", runs.count()));
    }

    /** Columns are the rows' keys in order of first appearance; "of_*" are shown as percent, seconds as times. */
    private static void rowsTable(StringBuilder b, List<Map<String, Object>> rows) {
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.addAll(r.keySet()));
        List<String> columns = new ArrayList<>(keys);
        b.append("| ").append(String.join(" | ", columns)).append(" |\n");
        b.append("|").append("---|".repeat(columns.size())).append('\n');
        for (Map<String, Object> row : rows) {
            StringJoiner line = new StringJoiner(" | ", "| ", " |\n");
            for (String c : columns) line.add(cell(c, row.get(c)));
            b.append(line);
        }
    }

    static String cell(String key, Object v) {
        if (!(v instanceof Number n)) return v == null ? "–" : v.toString();
        double d = n.doubleValue();
        if (Double.isNaN(d)) return "–";
        if (key.startsWith("of_")) return String.format(Locale.ROOT, "%.0f %%", 100 * d);
        if (isSeconds(key)) return time(d);
        return number(d);
    }

    /** JSON keys end in their unit: "_s" seconds, but "_tok_s", "_gb_s", "_gflop_s" are rates. */
    static boolean isSeconds(String key) {
        return key.endsWith("_s") && !key.endsWith("_tok_s") && !key.endsWith("_gb_s") && !key.endsWith("_gflop_s");
    }

    static String time(double s) {
        if (s < 1e-3) return String.format(Locale.ROOT, "%.0f µs", s * 1e6);
        if (s < 1) return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    /** Three or four significant figures, no exponent for everyday magnitudes. */
    static String number(double v) {
        if (Double.isNaN(v)) return "–";
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e12) return String.format(Locale.ROOT, "%d", (long) v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String pairs(Map<String, ?> values) {
        StringJoiner j = new StringJoiner(" · ");
        values.forEach((k, v) -> j.add(k + " " + (v instanceof Number n ? cell(k, n) : v == null ? "–" : v.toString())));
        return j.toString();
    }
}
