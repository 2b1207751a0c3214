package ai.ominix.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Repeat statistics, the JSON object and the table of a report, on hand-made values. */
class BenchReportTest {

    private static final Metric TIME = new Metric("decode_s", "decode", "s");
    private static final Metric RATE = new Metric("decode_tok_s", "decode", "tok/s");
    private static final Metric RSS = new Metric("peak_rss_bytes", "peak RSS", "GiB", 1.0 / (1L << 30));

    @Test
    void summaryIsMinMedianMaxWithoutNaN() {
        assertEquals(new Summary(1, 3, 9, 3), Summary.of(9, 1, 3));
        assertEquals(new Summary(1, 2.5, 4, 4), Summary.of(4, 1, 3, 2), "even count: mean of the middle two");
        assertEquals(new Summary(2, 2, 2, 1), Summary.of(Double.NaN, 2));
        Summary none = Summary.of();
        assertEquals(0, none.count());
        assertTrue(Double.isNaN(none.median()));
    }

    @Test
    void repetitionsRecordOnlyTheMeasuredRuns() {
        int[] calls = {0};
        List<String> seen = new ArrayList<>();
        Runs runs = Runs.of(List.of(TIME), Repetitions.run(2, 3, () -> Map.of(TIME, (double) ++calls[0]),
                (warmup, i, of, v) -> seen.add((warmup ? "w" : "r") + i + "/" + of + "=" + v.get(TIME))));
        assertEquals(5, calls[0]);
        assertEquals(List.of("w1/2=1.0", "w2/2=2.0", "r1/3=3.0", "r2/3=4.0", "r3/3=5.0"), seen);
        assertEquals(3, runs.count());
        assertEquals(new Summary(3, 4, 5, 3), runs.summary(0), "warm-up values 1 and 2 are not in the statistics");
        assertThrows(IllegalArgumentException.class, () -> Repetitions.run(0, 0, Map::of, (w, i, o, v) -> {}));
        assertThrows(IllegalArgumentException.class, () -> Runs.of(List.of(TIME), List.of(Map.of())),
                "a run that lacks a metric is an error, not a silent zero");
    }

    @Test
    void jsonHoldsEveryRunAndItsStatistics() throws Exception {
        BenchResult r = result(List.of(run(2.0, 32, 1 << 30), run(4.0, 16, 3L << 30), run(3.0, Double.NaN, 2L << 30)));
        String line = BenchJson.render(r);
        assertFalse(line.contains("\n"), "one line per invocation");
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals(BenchJson.SCHEMA, j.get("schema").asText());
        assertEquals("asr", j.get("bench").asText());
        assertEquals("ominix bench asr --model m", j.get("command").asText());
        assertEquals("2026-01-02T03:04:05Z", j.get("started_at").asText());
        assertEquals("cpu", j.get("backend").asText());
        assertEquals(2, j.get("threads").asInt());
        assertEquals("Test CPU", j.at("/machine/cpu_model").asText());
        assertTrue(j.at("/machine/load_average_end").isNull(), "NaN is written as null");
        assertEquals(8, j.at("/model/quantization_bits").asInt());
        assertEquals(30, j.at("/settings/audio_seconds").asInt());
        assertEquals(25.5, j.at("/ceilings/read_bandwidth_gb_s").asDouble());
        assertEquals(3, j.get("runs").size());
        assertEquals(List.of("decode_s", "decode_tok_s", "peak_rss_bytes"), names(j.get("runs").get(0)));
        assertTrue(j.get("runs").get(2).get("decode_tok_s").isNull());
        assertEquals(2.0, j.at("/min/decode_s").asDouble());
        assertEquals(3.0, j.at("/median/decode_s").asDouble());
        assertEquals(4.0, j.at("/max/decode_s").asDouble());
        assertEquals(24.0, j.at("/median/decode_tok_s").asDouble(), "median over the runs that measured it");
        assertEquals(2L << 30, j.at("/median/peak_rss_bytes").asLong());
        assertFalse(j.has("rows"));
    }

    @Test
    void jsonNumbersKeepSixSignificantDigitsWithoutExponent() throws Exception {
        BenchResult r = result(List.of(run(1.23456789e-7, 123456789.123, 5)));
        String line = BenchJson.render(r);
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals(1.23457e-7, j.at("/runs/0/decode_s").asDouble(), 1e-15);
        assertEquals(123457000, j.at("/runs/0/decode_tok_s").asDouble());
        assertFalse(line.matches(".*\\d[eE][-+]?\\d.*"), line);
    }

    @Test
    void tableShowsTheHeaderAndEveryMetricInItsUnit() {
        String t = BenchTable.render(result(List.of(run(2.0, 32, 1 << 30), run(4.0, 16, 3L << 30))));
        assertTrue(t.startsWith("ominix bench asr · 2026-01-02T03:04:05Z"), t);
        assertTrue(t.contains("command:  ominix bench asr --model m"), t);
        assertTrue(t.contains("Test CPU · 2 logical CPUs"), t);
        assertTrue(t.contains("ceilings: read_bandwidth_gb_s 25.5 (measured in this run)"), t);
        assertTrue(t.contains("| decode | s | 2 | 3 | 4 |"), t);
        assertTrue(t.contains("| decode | tok/s | 16 | 24 | 32 |"), t);
        assertTrue(t.contains("| peak RSS | GiB | 1 | 2 | 3 |"), t);
        assertTrue(t.contains("(2 measured runs)"), t);
    }

    @Test
    void kernelRowsAreRenderedWithPercentAndTimes() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kernel", "quantized matvec 8-bit g64");
        row.put("shape", "2048×1024");
        row.put("min_s", 0.000125);
        row.put("median_s", 0.0021);
        row.put("figure", 18.25);
        row.put("of_read_bw", 0.734);
        row.put("of_gemm_peak", null);
        BenchResult r = BenchResult.ofRows(info("kernels"), Map.of("quick", true), Map.of("copy_gb_s", 40.0), List.of(row));
        String t = BenchTable.render(r);
        assertTrue(t.contains("| quantized matvec 8-bit g64 | 2048×1024 | 125 µs | 2.10 ms | 18.3 | 73 % | – |"), t);
        JsonNode j = new ObjectMapper().readTree(BenchJson.render(r));
        assertEquals("kernels", j.get("bench").asText());
        assertFalse(j.has("runs"));
        assertEquals(0.734, j.at("/rows/0/of_read_bw").asDouble());
        assertTrue(j.at("/rows/0/of_gemm_peak").isNull());
    }

    private static List<String> names(JsonNode o) {
        List<String> n = new ArrayList<>();
        o.fieldNames().forEachRemaining(n::add);
        return n;
    }

    private static Map<Metric, Double> run(double seconds, double rate, double rss) {
        Map<Metric, Double> m = new LinkedHashMap<>();
        m.put(TIME, seconds);
        m.put(RATE, rate);
        m.put(RSS, rss);
        return m;
    }

    private static RunInfo info(String bench) {
        return new RunInfo(bench, "ominix bench " + bench + " --model m", Instant.parse("2026-01-02T03:04:05Z"), 12.5,
                new MachineInfo("Test CPU", 2, "Linux 6.1", "amd64", "Temurin 25", 512, 1L << 30), 3.5, Double.NaN, "cpu", 2);
    }

    private static BenchResult result(List<Map<Metric, Double>> runs) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("dir", "/m");
        model.put("quantization_bits", 8);
        return BenchResult.ofRuns(info("asr"), model, Map.of("audio_seconds", 30.0), Map.of("read_bandwidth_gb_s", 25.5),
                Runs.of(List.of(TIME, RATE, RSS), runs));
    }
}
