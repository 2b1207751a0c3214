package ai.ominix.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link BenchResult} as one single-line JSON object (field names documented in BENCHMARKS.md;
 * they change only with {@link #SCHEMA}). Values are in SI base units (seconds, bytes, tokens/s,
 * GB/s = 10⁹ bytes/s, GFLOP/s); ratios are fractions (0.5 = 50 %); a value that was not measured
 * is {@code null}. Numbers keep 6 significant digits.
 */
public final class BenchJson {

    public static final String SCHEMA = "ominix-bench/1";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    private static final MathContext DIGITS = new MathContext(6);

    private BenchJson() {}

    public static String render(BenchResult r) {
        try {
            return JSON.writeValueAsString(tree(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode tree(BenchResult r) {
        RunInfo info = r.info();
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("bench", info.bench());
        root.put("command", info.command());
        root.put("started_at", info.startedAt().toString());
        number(root, "duration_s", info.seconds());
        MachineInfo m = info.machine();
        ObjectNode machine = root.putObject("machine");
        machine.put("cpu_model", m.cpuModel());
        machine.put("logical_cpus", m.logicalCpus());
        machine.put("os", m.os());
        machine.put("arch", m.arch());
        machine.put("jdk", m.jdk());
        machine.put("vector_bits", m.vectorBits());
        machine.put("max_heap_bytes", m.maxHeapBytes());
        number(machine, "load_average_start", info.loadStart());
        number(machine, "load_average_end", info.loadEnd());
        root.put("backend", info.backend());
        root.put("threads", info.threads());
        if (!r.model().isEmpty()) fill(root.putObject("model"), r.model());
        fill(root.putObject("settings"), r.settings());
        fill(root.putObject("ceilings"), r.ceilings());
        if (r.runs() != null) {
            Runs runs = r.runs();
            ArrayNode list = root.putArray("runs");
            for (int i = 0; i < runs.count(); i++) fill(list.addObject(), runs.run(i));
            summary(root.putObject("min"), runs, Summary::min);
            summary(root.putObject("median"), runs, Summary::median);
            summary(root.putObject("max"), runs, Summary::max);
        }
        if (r.runs() == null || !r.rows().isEmpty()) {
            ArrayNode rows = root.putArray("rows");
            for (Map<String, Object> row : r.rows()) fill(rows.addObject(), row);
        }
        return root;
    }

    private static void summary(ObjectNode node, Runs runs, Function<Summary, Double> pick) {
        for (int i = 0; i < runs.metrics().size(); i++) number(node, runs.metrics().get(i).key(), pick.apply(runs.summary(i)));
    }

    private static void fill(ObjectNode node, Map<String, ?> values) {
        values.forEach((k, v) -> {
            switch (v) {
                case null -> node.putNull(k);
                case Double d -> number(node, k, d);
                case Float f -> number(node, k, f);
                case Integer i -> node.put(k, i);
                case Long l -> node.put(k, l);
                case Boolean b -> node.put(k, b);
                default -> node.put(k, v.toString());
            }
        });
    }

    private static void number(ObjectNode node, String key, double v) {
        if (!Double.isFinite(v)) {
            node.putNull(key);
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            node.put(key, (long) v);
        } else {
            node.put(key, new BigDecimal(v).round(DIGITS).stripTrailingZeros());
        }
    }
}
