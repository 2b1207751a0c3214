package ai.ominix.models.sala;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Many distinct conversations through an engine whose prompt cache holds only a few of them,
 * in a JVM of its own (fixed, pre-touched heap: resident memory moves with native memory only),
 * printing resident memory as it goes: evicted snapshots must give their memory back.
 *   PromptCacheSoak MODEL_DIR REQUESTS CACHE_BYTES
 */
public final class PromptCacheSoak {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int requests = Integer.parseInt(args[1]);
        long budget = Long.parseLong(args[2]);
        try (Backend backend = Backends.open("cpu", 2);
             SalaChatEngine engine = SalaChatEngine.load(dir, backend, new SalaChatEngine.Options(32768, budget))) {
            for (int i = 1; i <= requests; i++) {
                List<Message> m = List.of(new Message("system", SalaPromptCacheTest.words(180, i)),
                        new Message("user", SalaPromptCacheTest.words(30, -i)));
                engine.generate(new Request(m, 0, 1, 2, List.of(), null, true), Cancellation.none(), null);
                engine.generate(new Request(List.of(m.get(0), m.get(1), new Message("assistant", "ok"),
                        new Message("user", "and then?")), 0, 1, 2, List.of(), null, true), Cancellation.none(), null);
                if (i % 10 == 0) {
                    System.gc();
                    System.out.printf("request %d rss_kib=%d cache_bytes=%d%n", i, rssKib(), engine.promptCache().bytes());
                }
            }
        }
    }

    private static long rssKib() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
