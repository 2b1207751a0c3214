package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@value #CONVERSATIONS} conversations (two requests each, every one leaving snapshots) through
 * a prompt cache of {@value #BUDGET} bytes: the cache stays within its budget, and resident
 * memory after the warm-up grows by at most {@value #MAX_GROWTH_KIB} KiB. A conversation leaves
 * about half a MiB of snapshots, so leaking them would add ~80 MiB over the measured stretch; the
 * allowance covers the one-off steps a JVM takes (code cache, malloc arenas: one of ~17 MiB was
 * seen in a run whose other samples were flat).
 */
@EnabledOnOs(OS.LINUX) // /proc/self/status
class PromptCacheMemoryTest {
    static final long BUDGET = 4L << 20;
    static final int CONVERSATIONS = 200;
    static final long MAX_GROWTH_KIB = 32 * 1024;
    private static final Pattern LINE = Pattern.compile("request (\\d+) rss_kib=(\\d+) cache_bytes=(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void evictedSnapshotsGiveTheirMemoryBack() throws Exception {
        soak(1);
    }

    /** Eight clients at a time, batched four to a step: {@value #CONVERSATIONS} conversations, none lost, memory flat. */
    @Test
    void eightBatchedClientsKeepMemoryFlat() throws Exception {
        soak(8);
    }

    private void soak(int clients) throws Exception {
        TinySala.write(tmp.resolve("m"), TinySala.Format.Q8, false);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xm") && !a.startsWith("-XX:MaxRAM")) cmd.add(a);
        }
        cmd.addAll(List.of("-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"),
                PromptCacheSoak.class.getName(), tmp.resolve("m").toString(), Integer.toString(CONVERSATIONS), Long.toString(BUDGET),
                Integer.toString(clients)));
        Path out = tmp.resolve("soak.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(900, TimeUnit.SECONDS), "the soak finished in time");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), text);
        TreeMap<Integer, long[]> rows = new TreeMap<>();
        Matcher m = LINE.matcher(text);
        while (m.find()) rows.put(Integer.parseInt(m.group(1)), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        assertEquals(clients == 1 ? CONVERSATIONS / 10 : (CONVERSATIONS + clients - 1) / clients, rows.size(), text);
        assertEquals(CONVERSATIONS, rows.lastKey(), "every conversation answered");
        rows.values().forEach(r -> assertTrue(r[1] <= BUDGET && r[1] > 0, "cache bytes " + r[1]));
        long growth = rows.get(CONVERSATIONS)[0] - rows.ceilingEntry(40).getValue()[0];
        System.out.println("prompt cache soak (" + clients + " clients) RSS KiB " + rows.values().stream().map(r -> r[0]).toList());
        assertTrue(growth <= MAX_GROWTH_KIB, "resident memory grew by " + growth + " KiB from conversation 40 to " + CONVERSATIONS);
    }
}
