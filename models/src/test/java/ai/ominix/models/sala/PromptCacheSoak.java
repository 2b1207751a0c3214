package ai.ominix.models.sala;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many distinct conversations through an engine whose prompt cache holds only a few of them,
 * in a JVM of its own (fixed, pre-touched heap: resident memory moves with native memory only),
 * printing resident memory as it goes: evicted snapshots must give their memory back. With
 * CLIENTS > 1, that many conversations at a time from as many threads, batched
 * ({@code --parallel 4}): batch members that join and leave must give theirs back too.
 *   PromptCacheSoak MODEL_DIR REQUESTS CACHE_BYTES [CLIENTS]
 */
public final class PromptCacheSoak {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int requests = Integer.parseInt(args[1]);
        long budget = Long.parseLong(args[2]);
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        SalaChatEngine.Options options = new SalaChatEngine.Options(32768, budget);
        if (clients > 1) options = options.withParallel(Math.min(clients, SalaChatEngine.Options.DEFAULT_PARALLEL), 64);
        try (Backend backend = Backends.open("cpu", 2); SalaChatEngine engine = SalaChatEngine.load(dir, backend, options);
             ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int first = 1; first <= requests; first += clients) {
                List<Future<?>> group = new ArrayList<>();
                for (int i = first; i < first + clients && i <= requests; i++) {
                    int id = i;
                    group.add(pool.submit(() -> conversation(engine, id)));
                }
                for (Future<?> f : group) f.get();
                int end = Math.min(requests, first + clients - 1);
                if (clients > 1 || end % 10 == 0) {
                    System.gc();
                    System.out.printf("request %d rss_kib=%d cache_bytes=%d%n", end, rssKib(), engine.promptCache().bytes());
                }
            }
        }
    }

    /** Two turns of conversation {@code i}: each leaves snapshots, the second resumes from the first's. */
    private static void conversation(SalaChatEngine engine, int i) {
        List<Message> m = List.of(new Message("system", SalaPromptCacheTest.words(180, i)),
                new Message("user", SalaPromptCacheTest.words(30, -i)));
        engine.generate(new Request(m, 0, 1, 2, List.of(), null, true), Cancellation.none(), null);
        engine.generate(new Request(List.of(m.get(0), m.get(1), new Message("assistant", "ok"),
                new Message("user", "and then?")), 0, 1, 2, List.of(), null, true), Cancellation.none(), null);
    }

    private static long rssKib() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
