package ai.ominix.server;

import ai.ominix.mlx.RequiresMlx;
import ai.ominix.models.qwen3asr.TinyQwen3Asr;
import ai.ominix.models.sala.TinySala;
import ai.ominix.server.support.UnloadCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory returns on unload: {@link UnloadCycles} loads, uses and unloads a tiny Qwen3-ASR
 * and a tiny MiniCPM-SALA model {@value #CYCLES} times in a JVM with a fixed, pre-touched heap.
 * After every unload no file descriptor and no memory mapping may point at the weight files (on
 * Linux and macOS alike a mapped or open file keeps its disk space after it is deleted), and
 * resident memory after the warm-up may grow by at most {@value #MAX_GROWTH_KIB} KiB over the
 * remaining cycles (a leaked model is several MiB per cycle; a leaked request's buffers too).
 */
@EnabledOnOs(OS.LINUX) // /proc/self/{fd,maps,status}
class UnloadMemoryTest {
    static final int CYCLES = 40;
    static final int WARMUP = 10;
    static final long MAX_GROWTH_KIB = 24 * 1024;
    private static final Pattern CYCLE = Pattern.compile("cycle (\\d+) rss_kib=(\\d+) open_files=(\\d+) mappings=(\\d+)");
    private static final Pattern LOADED = Pattern.compile("loaded open_files=(\\d+) mappings=(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void cpuBackendReturnsMemoryAndFilesOnUnload() throws Exception {
        Map<Integer, long[]> cycles = run("cpu");
        assertTrue(loaded[1] > 0, "the check sees the mapped weights while a model is loaded");
        check(cycles);
    }

    @Test
    @RequiresMlx
    void mlxBackendReturnsMemoryAndFilesOnUnload() throws Exception {
        check(run("mlx"));
    }

    private long[] loaded = new long[2];

    private Map<Integer, long[]> run(String backend) throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        TinyQwen3Asr.write(models.resolve("asr"), TinyQwen3Asr.Variant.Q8);
        TinySala.write(models.resolve("chat"), TinySala.Format.Q8, false);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xm") && !a.startsWith("-XX:MaxRAM")) cmd.add(a);
        }
        cmd.addAll(List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"),
                UnloadCycles.class.getName(), backend, models.toString(), "asr", "chat", Integer.toString(CYCLES)));
        Path out = tmp.resolve("child-" + backend + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the cycles finished in time");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), text);
        Map<Integer, long[]> cycles = new TreeMap<>();
        Matcher m = CYCLE.matcher(text);
        while (m.find()) {
            cycles.put(Integer.parseInt(m.group(1)), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4))});
        }
        Matcher l = LOADED.matcher(text);
        if (l.find()) loaded = new long[] {Long.parseLong(l.group(1)), Long.parseLong(l.group(2))};
        assertEquals(CYCLES, cycles.size(), text);
        System.out.println("unload cycles (" + backend + "): RSS KiB " + cycles.values().stream().map(c -> c[0]).toList());
        return cycles;
    }

    private static void check(Map<Integer, long[]> cycles) {
        cycles.forEach((c, v) -> {
            assertEquals(0, v[1], "open files into the models dir after unload " + c);
            assertEquals(0, v[2], "mappings of the weight files after unload " + c);
        });
        long growth = cycles.get(CYCLES)[0] - cycles.get(WARMUP)[0];
        assertTrue(growth <= MAX_GROWTH_KIB, "resident memory grew by " + growth + " KiB from cycle " + WARMUP + " to " + CYCLES);
    }
}
