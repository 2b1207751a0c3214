package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.engine.ChatEngine.Sampling;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prompt cache on the tiny checkpoint: every answer of an engine with a cache is the answer
 * of one without (text, finish, token count and every log-probability, bit for bit), across the
 * turns of a conversation, a prompt that diverges inside a segment, prompts that cross
 * dense_len (512 here) and a budget too small to keep everything; the reuse is reported.
 */
class SalaPromptCacheTest {
    @TempDir
    static Path dir;
    static Backend backend;
    static SalaChatEngine cold;
    SalaChatEngine warm;

    @BeforeAll
    static void load() {
        backend = Backends.open("cpu", 2);
        TinySala.write(dir, TinySala.Format.Q8, false);
        cold = SalaChatEngine.load(dir, backend, new SalaChatEngine.Options(32768, 0));
    }

    @AfterAll
    static void close() {
        cold.close();
        backend.close();
    }

    @BeforeEach
    void warmEngine() {
        warm = SalaChatEngine.load(dir, backend, new SalaChatEngine.Options(32768, 256L << 20));
    }

    @AfterEach
    void closeWarm() {
        warm.close();
    }

    /** Prompts of a known length: the benchmark's own word list. */
    static String words(int n, long seed) {
        return ai.ominix.bench.PromptCacheBench.words(n, seed);
    }

    static Request request(List<Message> messages, double temperature, long seed, int maxTokens) {
        return new Request(messages, temperature, 1.0, maxTokens, List.of(), seed, true, new Sampling(0, 0, 0, 0, 1, Map.of(), 2), null);
    }

    static void assertSame(Result want, Result got, String what) {
        assertEquals(want.text(), got.text(), what);
        assertEquals(want.finishReason(), got.finishReason(), what);
        assertEquals(want.completionTokens(), got.completionTokens(), what);
        assertEquals(want.promptTokens(), got.promptTokens(), what);
        assertEquals(want.logprobs().size(), got.logprobs().size(), what);
        for (int i = 0; i < want.logprobs().size(); i++) {
            assertEquals(want.logprobs().get(i).logprob(), got.logprobs().get(i).logprob(), 0.0, what + ": logprob " + i + " bit for bit");
            assertEquals(want.logprobs().get(i).top().get(1).logprob(), got.logprobs().get(i).top().get(1).logprob(), 0.0, what);
        }
    }

    @Test
    void eachTurnOfAConversationIsTheColdAnswerAndReusesTheHistory() {
        for (double temperature : new double[] {0, 0.9}) {
            List<Message> history = new ArrayList<>(List.of(new Message("system", "You are a helpful assistant. " + words(120, 1)),
                    new Message("user", words(60, 2))));
            int previousPrompt = 0;
            for (int turn = 1; turn <= 3; turn++) {
                Request req = request(List.copyOf(history), temperature, 7 + turn, 24);
                Result want = cold.generate(req, Cancellation.none(), null);
                Result got = warm.generate(req, Cancellation.none(), null);
                assertSame(want, got, "turn " + turn + " at temperature " + temperature);
                assertEquals(0, want.cachedTokens());
                if (turn == 1 && temperature == 0) {
                    assertEquals(0, got.cachedTokens(), "nothing cached yet");
                } else if (turn == 1) {
                    assertTrue(got.cachedTokens() > 0, "the same first turn as before: its prompt is cached");
                } else {
                    assertTrue(got.cachedTokens() >= previousPrompt - PromptCache.SEGMENT && got.cachedTokens() % PromptCache.SEGMENT == 0,
                            "turn " + turn + " reused " + got.cachedTokens() + " of the previous prompt's " + previousPrompt);
                }
                previousPrompt = got.promptTokens();
                history.add(new Message("assistant", got.text()));
                history.add(new Message("user", words(40, 10 + turn)));
            }
        }
    }

    @Test
    void aPromptDivergingInsideASegmentResumesFromABoundaryBeforeIt() {
        String shared = "You are a helpful assistant. " + words(150, 3);
        Request a = request(List.of(new Message("system", shared), new Message("user", "first question " + words(30, 4))), 0, 1, 12);
        Request b = request(List.of(new Message("system", shared), new Message("user", "second question " + words(30, 5))), 0, 1, 12);
        warm.generate(a, Cancellation.none(), null);
        Result got = warm.generate(b, Cancellation.none(), null);
        assertSame(cold.generate(b, Cancellation.none(), null), got, "diverged");
        int[] pa = warm.promptIds(a), pb = warm.promptIds(b);
        int common = 0;
        while (pa[common] == pb[common]) common++;
        assertTrue(got.cachedTokens() > 0 && got.cachedTokens() <= common, got.cachedTokens() + " cached, " + common + " in common");
        assertTrue(got.cachedTokens() * 2 > common - PromptCache.SEGMENT, "a power-of-two boundary within the shared part");
    }

    @Test
    void promptsAcrossDenseLenAreTheColdAnswers() {
        int n = 300;
        List<Message> history;
        Request first;
        do { // a first prompt just below dense_len
            n -= 10;
            history = new ArrayList<>(List.of(new Message("system", words(n, 6)), new Message("user", words(30, 7))));
            first = request(List.copyOf(history), 0.7, 3, 16);
        } while (warm.promptIds(first).length >= 500);
        assertSame(cold.generate(first, Cancellation.none(), null), warm.generate(first, Cancellation.none(), null), "first");
        assertTrue(warm.promptIds(first).length < 512, "the first prompt stays below dense_len");
        history.add(new Message("assistant", "fine"));
        history.add(new Message("user", words(200, 8)));
        Request second = request(List.copyOf(history), 0.7, 4, 16);
        assertTrue(warm.promptIds(second).length > 600, "the second one goes past it");
        Result got = warm.generate(second, Cancellation.none(), null);
        assertSame(cold.generate(second, Cancellation.none(), null), got, "across dense_len");
        assertTrue(got.cachedTokens() >= 384, "" + got.cachedTokens());
    }

    @Test
    void aSmallBudgetKeepsWhatFitsAndAnswersStayTheSame() {
        SalaChatEngine small = SalaChatEngine.load(dir, backend, new SalaChatEngine.Options(32768, 3L << 20));
        try {
            for (int i = 0; i < 4; i++) {
                Request r = request(List.of(new Message("system", words(200, 20 + i)), new Message("user", words(50, 30 + i))), 0, 1, 8);
                assertSame(cold.generate(r, Cancellation.none(), null), small.generate(r, Cancellation.none(), null), "request " + i);
                assertSame(cold.generate(r, Cancellation.none(), null), small.generate(r, Cancellation.none(), null), "again " + i);
            }
            assertTrue(small.promptCache().bytes() <= 3L << 20, "within the budget: " + small.promptCache().bytes());
        } finally {
            small.close();
        }
        Request r = request(List.of(new Message("user", words(200, 40))), 0, 1, 4);
        cold.generate(r, Cancellation.none(), null);
        assertEquals(0, cold.generate(r, Cancellation.none(), null).cachedTokens(), "no cache, no reuse");
    }

    @Test
    void choicesFromACachedPrefixAreTheColdChoices() {
        List<Message> m = List.of(new Message("system", words(180, 50)), new Message("user", words(20, 51)));
        warm.generate(request(m, 0, 1, 4), Cancellation.none(), null);
        List<Message> next = new ArrayList<>(m);
        next.add(new Message("assistant", "ok"));
        next.add(new Message("user", "more"));
        List<Result> want = cold.generate(request(next, 1.1, 9, 10), 3, Cancellation.none(), null);
        List<Result> got = warm.generate(request(next, 1.1, 9, 10), 3, Cancellation.none(), null);
        for (int i = 0; i < 3; i++) {
            assertSame(want.get(i), got.get(i), "choice " + i);
            assertTrue(got.get(i).cachedTokens() > 0);
        }
    }
}
