package ai.ominix.models.sala;

import static ai.ominix.models.sala.SalaPromptCacheTest.assertSame;
import static ai.ominix.models.sala.SalaPromptCacheTest.request;
import static ai.ominix.models.sala.SalaPromptCacheTest.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.CancelledException;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous batching on the tiny checkpoint: requests answered at once, their decode steps in
 * shared batched calls and their prompts interleaved with the others' steps, get exactly the
 * answers they get one at a time — greedy and sampled, several choices, prompts past dense_len,
 * with the prompt cache on — and a cancelled request leaves the batch without disturbing the rest.
 */
class SalaBatchingTest {
    @TempDir
    static Path dir;
    static Backend backend;
    static SalaChatEngine serial;

    @BeforeAll
    static void load() {
        backend = Backends.open("cpu", 2);
        TinySala.write(dir, TinySala.Format.Q8, false);
        serial = SalaChatEngine.load(dir, backend, new SalaChatEngine.Options(32768, 0));
    }

    @AfterAll
    static void close() {
        serial.close();
        backend.close();
    }

    private static List<Request> requests(int count) {
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int words = i % 3 == 2 ? 420 : 20 + 37 * i;        // every third prompt past dense_len (512 tokens)
            out.add(request(List.of(new Message("system", "You answer briefly. " + words(words, 100 + i)),
                    new Message("user", words(12, 200 + i))), i % 2 == 0 ? 0 : 0.8, 50 + i, 10 + 3 * i));
        }
        return out;
    }

    @Test
    void concurrentRequestsGetTheAnswersTheyGetAlone() throws Exception {
        List<Request> reqs = requests(6);
        List<List<Result>> want = new ArrayList<>();
        for (int i = 0; i < reqs.size(); i++) want.add(serial.generate(reqs.get(i), i == 4 ? 2 : 1, Cancellation.none(), null));
        SalaChatEngine.Options options = new SalaChatEngine.Options(32768, 64L << 20).withParallel(4, 64);
        try (SalaChatEngine batched = SalaChatEngine.load(dir, backend, options);
             ExecutorService clients = Executors.newFixedThreadPool(reqs.size())) {
            for (int round = 0; round < 2; round++) {       // the second round finds the prompts cached
                List<Future<List<Result>>> got = new ArrayList<>();
                for (int i = 0; i < reqs.size(); i++) {
                    int at = i;
                    got.add(clients.submit(() -> batched.generate(reqs.get(at), at == 4 ? 2 : 1, Cancellation.none(), null)));
                }
                for (int i = 0; i < reqs.size(); i++) {
                    List<Result> g = got.get(i).get();
                    assertEquals(want.get(i).size(), g.size());
                    for (int c = 0; c < g.size(); c++) assertSame(want.get(i).get(c), g.get(c), "round " + round + ", request " + i + ", choice " + c);
                }
            }
            long[] counts = batched.batcher().counts();
            assertTrue(counts[1] > counts[0] * 1.5, "steps carried several sequences: " + counts[1] + " rows in " + counts[0] + " steps");
        }
    }

    @Test
    void aCancelledRequestLeavesTheBatchAndTheOthersFinish() throws Exception {
        List<Request> reqs = requests(3);
        Request longer = request(reqs.get(0).messages(), 0, 1, 400);
        Result wantOther = serial.generate(reqs.get(1), Cancellation.none(), null);
        try (SalaChatEngine batched = SalaChatEngine.load(dir, backend, new SalaChatEngine.Options(32768, 0).withParallel(4, 256));
             ExecutorService clients = Executors.newFixedThreadPool(2)) {
            Cancellation cancel = new Cancellation();
            AtomicInteger pieces = new AtomicInteger();
            Future<Result> doomed = clients.submit(() -> batched.generate(longer, cancel, text -> {
                if (pieces.incrementAndGet() == 5) cancel.cancel("client disconnected");
            }));
            Future<Result> other = clients.submit(() -> batched.generate(reqs.get(1), Cancellation.none(), null));
            Exception e = assertThrows(java.util.concurrent.ExecutionException.class, doomed::get);
            assertTrue(e.getCause() instanceof CancelledException, String.valueOf(e.getCause()));
            assertSame(wantOther, other.get(), "the request beside it");
            // the batch is empty again: a new request is answered (a leaked member would stall every step)
            assertSame(wantOther, batched.generate(reqs.get(1), Cancellation.none(), null), "after the cancel");
        }
    }
}
