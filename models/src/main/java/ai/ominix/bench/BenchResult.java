package ai.ominix.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark invocation reports, rendered as one JSON object ({@link BenchJson}) or
 * a readable table ({@link BenchTable}). Maps keep their insertion order, which is the order of
 * the JSON fields and table rows.
 *
 * @param model    what was loaded (directory, type, quantization, weight bytes); empty for kernels
 * @param settings what was asked (audio length, token counts, warm-up and repeat counts)
 * @param ceilings the machine's limits measured in the same process just before the runs
 * @param runs     the measured runs (asr, chat); null for kernels
 * @param rows     one entry per kernel case (kernels); empty otherwise
 */
public record BenchResult(RunInfo info, Map<String, Object> model, Map<String, Object> settings,
                          Map<String, Double> ceilings, Runs runs, List<Map<String, Object>> rows) {

    public BenchResult {
        model = ordered(model);
        settings = ordered(settings);
        ceilings = ordered(ceilings);
        rows = rows.stream().map(BenchResult::ordered).toList();
    }

    private static <V> Map<String, V> ordered(Map<String, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** An asr/chat result: repeated runs of one configuration. */
    public static BenchResult ofRuns(RunInfo info, Map<String, Object> model, Map<String, Object> settings,
                                     Map<String, Double> ceilings, Runs runs) {
        return new BenchResult(info, model, settings, ceilings, runs, List.of());
    }

    /** A kernels result: one row per case. */
    public static BenchResult ofRows(RunInfo info, Map<String, Object> settings, Map<String, Double> ceilings,
                                     List<Map<String, Object>> rows) {
        return new BenchResult(info, Map.of(), settings, ceilings, null, rows);
    }
}
