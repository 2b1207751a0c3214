package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine.FinishReason;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.engine.ContextOverflowException;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat engine on the tiny checkpoint: greedy answers are the reference's tokens; sampling is seeded. */
class SalaChatModelTest {

    @TempDir
    static Path dir;
    private static Backend backend;
    private static SalaChatEngine engine;
    private static Tokenizer tok;

    @BeforeAll
    static void load() {
        backend = Backends.open("cpu", 2);
        TinySala.write(dir, TinySala.Format.Q8, false);
        engine = SalaChatEngine.load(dir, backend);
        tok = Tokenizers.load(dir);
    }

    @AfterAll
    static void close() {
        engine.close();
        backend.close();
    }

    /** The golden chat cases through the engine: same tokens, cut at the first EOS id (§5). */
    @Test
    void greedyAnswersAreTheReferenceTokens() throws IOException {
        JsonNode golden = SalaGoldenTest.golden(TinySala.Format.Q8);
        Set<Integer> eos = Set.of(2, TinySala.FIRST_ADDED_ID);
        for (String name : List.of("short", "multi_turn")) {
            JsonNode g = null;
            for (JsonNode c : golden.get("cases")) if (c.get("name").asText().equals(name)) g = c;
            List<Message> messages = name.equals("short")
                    ? List.of(new Message("user", "Hello world, what is the weather like today?"))
                    : List.of(new Message("system", "You are a helpful assistant."),
                            new Message("user", "Can you tell me the time?"),
                            new Message("assistant", "It's half past three in the afternoon."),
                            new Message("user", "Thank you very much for your help!"));
            List<Integer> expected = new ArrayList<>();
            boolean stopped = false;
            for (JsonNode t : g.get("tokens")) {
                if (eos.contains(t.asInt())) {
                    stopped = true;
                    break;
                }
                expected.add(t.asInt());
            }
            int maxTokens = g.get("tokens").size();
            List<String> pieces = new ArrayList<>();
            Result r = engine.generate(new Request(messages, 0, 1, maxTokens, List.of(), null, false), Cancellation.none(),
                    pieces::add);
            assertEquals(tok.decode(expected.stream().mapToInt(Integer::intValue).toArray(), true), r.text(), name);
            assertEquals(String.join("", pieces), r.text());
            assertEquals(stopped ? FinishReason.STOP : FinishReason.LENGTH, r.finishReason(), name);
            assertEquals(stopped ? expected.size() + 1 : maxTokens, r.completionTokens(), name);
            assertEquals(g.get("prompt").size(), r.promptTokens(), name);
        }
    }

    @Test
    void sameSeedSameAnswer() {
        Set<String> answers = new HashSet<>();
        for (long seed : new long[] {1, 2, 3}) {
            Request req = new Request(List.of(new Message("user", "Write a short poem about the sea.")), 2.0, 0.95, 24,
                    List.of(), seed, false);
            String first = engine.generate(req, Cancellation.none(), null).text();
            assertEquals(first, engine.generate(req, Cancellation.none(), null).text(), "seed " + seed);
            answers.add(first);
        }
        assertNotEquals(1, answers.size(), "different seeds should not all give the same answer: " + answers);
    }

    @Test
    void promptsBeyondTheContextAreRejected() {
        assertEquals(4096, engine.contextLength(), "max_position_embeddings of the tiny config bounds the context");
        String longText = "The quick brown fox jumps over the lazy dog. ".repeat(600);
        assertThrows(ContextOverflowException.class, () -> engine.generate(
                new Request(List.of(new Message("user", longText)), 0, 1, 10, List.of(), null, false), Cancellation.none(), null));
    }
}
