package ai.ominix.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.bench.AsrSpeed;
import ai.ominix.bench.BenchJson;
import ai.ominix.bench.ChatSpeed;
import ai.ominix.bench.KernelBench;
import ai.ominix.bench.Metric;
import ai.ominix.models.qwen3asr.TinyQwen3Asr;
import ai.ominix.models.sala.TinySala;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ominix bench}: argument handling, the --json object (one line, stable fields, repeat
 * statistics) and the table, on tiny checkpoints; and BENCHMARKS.md documenting every field.
 * Nothing here asserts a time.
 */
class BenchCommandTest {

    @TempDir
    static Path tmp;
    static Path asr;
    static Path sala;

    /** Fast settings: one kernel thread, a small bandwidth buffer. */
    static final List<String> LIGHT = List.of("--backend", "cpu", "--threads", "1", "--bandwidth-buffer-mib", "8");

    @BeforeAll
    static void checkpoints() {
        asr = TinyQwen3Asr.write(tmp.resolve("asr"), TinyQwen3Asr.Variant.Q8);
        sala = TinySala.write(tmp.resolve("sala"), TinySala.Format.Q4, false).dir();
    }

    static CliTest.Run bench(List<String> args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(args);
        return CliTest.inProcess(all.toArray(String[]::new));
    }

    static List<String> with(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(LIGHT);
        return all;
    }

    @Test
    void helpNamesEveryBenchAndItsOptions() {
        CliTest.Run top = bench(List.of("--help"));
        assertEquals(0, top.code());
        for (String sub : List.of("asr", "chat", "kernels", "make-weights")) assertTrue(top.out().contains(sub), top.out());
        assertTrue(CliTest.inProcess("--help").out().contains("bench"), "registered under ominix");
        assertTrue(bench(List.of("asr", "--help")).out().contains("--new-tokens"));
        assertTrue(bench(List.of("chat", "--help")).out().contains("--prompt-tokens"));
        assertTrue(bench(List.of("kernels", "--help")).out().contains("--quick"));
        assertTrue(bench(List.of("make-weights", "--help")).out().contains("--seed"));
    }

    @Test
    void badArgumentsFailWithAMessage() throws Exception {
        CliTest.Run noModel = bench(List.of("asr"));
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("--model"), noModel.err());
        expectFailure(bench(with("asr", "--model", asr.toString(), "--repeat", "0")), "--repeat must be at least 1");
        expectFailure(bench(with("asr", "--model", asr.toString(), "--audio", "a.wav", "--seconds", "3")), "not both");
        expectFailure(bench(with("asr", "--model", asr.toString(), "--audio", tmp.resolve("none.wav").toString())), "no such file");
        expectFailure(bench(with("asr", "--model", sala.toString())), "holds a chat model");
        Path notAudio = Files.writeString(tmp.resolve("notes.wav"), "not a wave file");
        expectFailure(bench(with("asr", "--model", asr.toString(), "--audio", notAudio.toString())), "notes.wav");
        expectFailure(bench(with("chat", "--model", sala.toString(), "--prompt-tokens", "0")), "--prompt-tokens must be at least 1");
        expectFailure(bench(with("chat", "--model", sala.toString(), "--prompt-tokens", "5000")), "exceed the model's 4096 positions");
        expectFailure(bench(List.of("kernels", "--model", "llama")), "unknown model 'llama'");
        Path out = tmp.resolve("out");
        expectFailure(bench(List.of("make-weights", "--model", "qwen3-asr-7b", "--out", out.toString())), "unknown model");
        expectFailure(bench(List.of("make-weights", "--model", "qwen3-asr-0.6b", "--bits", "5", "--out", out.toString())),
                "--bits must be 8 or 4");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "x");
        expectFailure(bench(List.of("make-weights", "--model", "minicpm-sala-9b", "--out", out.toString())), "is not empty");
        assertEquals(List.of("keep.txt"), Files.list(out).map(p -> p.getFileName().toString()).toList(), "nothing was written");
    }

    @Test
    void asrJsonIsOneObjectWithEveryRunAndItsStatistics() throws Exception {
        CliTest.Run r = bench(with("asr", "--model", asr.toString(), "--seconds", "1.2", "--new-tokens", "4", "--repeat", "2",
                "--warmup", "1", "--json"));
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().lines().count(), "one JSON object on one line: " + r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(BenchJson.SCHEMA, j.get("schema").asText());
        assertEquals("asr", j.get("bench").asText());
        assertTrue(j.get("command").asText().startsWith("ominix bench asr --model " + asr), j.get("command").asText());
        assertEquals("cpu", j.get("backend").asText());
        assertEquals(1, j.get("threads").asInt());
        assertEquals("qwen3_asr", j.at("/model/type").asText());
        assertEquals(8, j.at("/model/quantization_bits").asInt());
        assertEquals(64, j.at("/model/quantization_group_size").asInt());
        assertEquals(1.2, j.at("/settings/audio_seconds").asDouble(), 1e-9);
        assertEquals(2, j.at("/settings/repeat").asInt());
        assertEquals(1, j.at("/settings/warmup").asInt());
        assertEquals(2, j.get("runs").size());
        List<String> keys = AsrSpeed.METRICS.stream().map(Metric::key).toList();
        for (JsonNode run : j.get("runs")) {
            assertEquals(keys, fieldNames(run));
            assertEquals(4, run.get("decode_tokens").asInt(), "exactly --new-tokens decode steps");
        }
        for (String stat : List.of("min", "median", "max")) assertEquals(keys, fieldNames(j.get(stat)), stat);
        double a = j.at("/runs/0/decode_s").asDouble(), b = j.at("/runs/1/decode_s").asDouble();
        assertEquals(Math.min(a, b), j.at("/min/decode_s").asDouble(), 1e-6 * a);
        // the report rounds to 6 significant digits: the median of two runs is within 5e-6 of its own size
        assertEquals((a + b) / 2, j.at("/median/decode_s").asDouble(), 1e-5 * (a + b) / 2);
        assertTrue(r.err().contains("warm-up 1/1") && r.err().contains("run 2/2"), "progress on stderr: " + r.err());
    }

    @Test
    void chatPrintsAReadableTable() {
        CliTest.Run r = bench(with("chat", "--model", sala.toString(), "--prompt-tokens", "40", "--new-tokens", "3",
                "--repeat", "1", "--warmup", "0"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("ominix bench chat · "), r.out());
        assertTrue(r.out().contains("command:  ominix bench chat --model " + sala), r.out());
        assertTrue(r.out().contains("| metric | unit | min | median | max |"), r.out());
        assertTrue(r.out().contains("| prompt (prefill) tokens | tokens | 40 | 40 | 40 |"), r.out());
        assertTrue(r.out().contains("| decode steps | tokens | 3 | 3 | 3 |"), r.out());
        assertTrue(r.out().contains("| time to first token | s |"), r.out());
        assertTrue(r.out().contains("quantization 4-bit g64"), r.out());
        assertTrue(r.out().contains("(1 measured runs)"), r.out());
    }

    @Test
    void benchmarksMdDocumentsEveryJsonField() throws Exception {
        String doc = Files.readString(Path.of("..", "BENCHMARKS.md"));
        Set<String> fields = new TreeSet<>();
        CliTest.Run asrRun = bench(with("asr", "--model", asr.toString(), "--seconds", "0.5", "--new-tokens", "1",
                "--repeat", "1", "--warmup", "0", "--json"));
        CliTest.Run chatRun = bench(with("chat", "--model", sala.toString(), "--prompt-tokens", "8", "--new-tokens", "1",
                "--repeat", "1", "--warmup", "0", "--json"));
        for (CliTest.Run run : List.of(asrRun, chatRun)) {
            assertEquals(0, run.code(), run.err());
            collect(new ObjectMapper().readTree(run.out()), fields);
        }
        fields.addAll(KernelBench.ROW_FIELDS);
        fields.addAll(KernelBench.CEILING_FIELDS);
        fields.add("rows");
        List<String> missing = fields.stream().filter(f -> !doc.contains("`" + f + "`")).toList();
        assertTrue(missing.isEmpty(), "BENCHMARKS.md does not document " + missing);
        assertFalse(fields.isEmpty());
    }

    private static void collect(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                into.add(e.getKey());
                collect(e.getValue(), into);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, into));
        }
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> n = new ArrayList<>();
        o.fieldNames().forEachRemaining(n::add);
        return n;
    }

    private static void expectFailure(CliTest.Run r, String message) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
