package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.engine.ChatEngine.Sampling;
import ai.ominix.engine.ChatEngine.TokenLogprob;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.generate.Sampler;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** n choices from one prefill, penalties, logit bias and logprobs on the tiny checkpoint. */
class SalaChatOptionsTest {

    @TempDir
    static Path dir;
    private static Backend backend;
    private static SalaModel model;
    private static SalaChatEngine engine;
    private static Tokenizer tok;

    private static final List<Message> CHAT = List.of(new Message("user", "Write a short poem about the sea."));

    @BeforeAll
    static void load() {
        backend = Backends.open("cpu", 2);
        TinySala.write(dir, TinySala.Format.Q8, false);
        engine = SalaChatEngine.load(dir, backend);
        model = SalaModel.load(dir, backend);
        tok = Tokenizers.load(dir);
    }

    @AfterAll
    static void close() {
        engine.close();
        model.close();
        backend.close();
    }

    private static Request request(double temperature, Long seed, int maxTokens, Sampling sampling) {
        return new Request(CHAT, temperature, 0.95, maxTokens, List.of(), seed, true, sampling, null);
    }

    @Test
    void choicesShareThePrefillAndEachIsTheAnswerOfItsOwnSeed() {
        List<Result> three = engine.generate(request(1.5, 40L, 20, Sampling.DEFAULT), 3, Cancellation.none(), null);
        assertEquals(3, three.size());
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Result alone = engine.generate(request(1.5, 40L + i, 20, Sampling.DEFAULT), Cancellation.none(), null);
            assertEquals(alone.text(), three.get(i).text(), "choice " + i + " continues from an exact copy of the prompt's state");
            assertEquals(alone.completionTokens(), three.get(i).completionTokens());
            distinct.add(three.get(i).text());
        }
        assertTrue(distinct.size() > 1, "seeded choices differ: " + distinct);
        List<Result> greedy = engine.generate(request(0, null, 16, Sampling.DEFAULT), 2, Cancellation.none(), null);
        assertEquals(greedy.get(0).text(), greedy.get(1).text());
        assertThrows(InvalidRequestException.class,
                () -> engine.generate(request(0, null, 4, Sampling.DEFAULT), 9, Cancellation.none(), null));
    }

    @Test
    void choicesStreamToTheirOwnSinks() {
        List<StringBuilder> streamed = List.of(new StringBuilder(), new StringBuilder());
        List<Result> r = engine.generate(request(1.2, 5L, 12, Sampling.DEFAULT), 2, Cancellation.none(),
                i -> piece -> streamed.get(i).append(piece));
        for (int i = 0; i < 2; i++) assertEquals(r.get(i).text(), streamed.get(i).toString());
    }

    /** Greedy tokens of the model itself, with the logits changed as the options say. */
    private static List<Integer> referenceGreedy(int[] prompt, int steps, java.util.function.BiConsumer<float[], List<Integer>> adjust) {
        List<Integer> out = new ArrayList<>();
        try (SalaState state = model.newState()) {
            float[] logits = model.forwardLogits(prompt, state);
            for (int s = 0; s < steps; s++) {
                adjust.accept(logits, out);
                int next = Sampler.argmax(logits);
                out.add(next);
                logits = model.forwardLogits(new int[] {next}, state);
            }
        }
        return out;
    }

    private static int[] prompt() {
        return engine.promptIds(request(0, null, 1, Sampling.DEFAULT));
    }

    @Test
    void penaltiesAndBiasChangeGreedyAnswersAsDefined() {
        int steps = 24;
        int[] prompt = prompt();
        List<Integer> plain = referenceGreedy(prompt, steps, (logits, done) -> {});
        // Without options greedy repeats itself on random weights; the penalties must break that.
        Sampling s = new Sampling(0, 0, 2.0, 2.0, 1.0, Map.of(), -1);
        List<Integer> expected = referenceGreedy(prompt, steps, (logits, done) -> {
            Map<Integer, Integer> counts = new java.util.HashMap<>();
            for (int t : done) counts.merge(t, 1, Integer::sum);
            counts.forEach((t, c) -> logits[t] -= (float) (2.0 + 2.0 * c));
        });
        Result r = engine.generate(new Request(CHAT, 0, 1, steps, List.of(), null, true, s, null), Cancellation.none(), null);
        assertEquals(tok.decode(trimEos(expected), true), r.text());
        assertNotEquals(plain, expected, "the case discriminates: these penalties change the greedy answer");

        Sampling rep = new Sampling(0, 0, 0, 0, 1.8, Map.of(), -1);
        List<Integer> expectedRep = referenceGreedy(prompt, steps, (logits, done) -> {
            Set<Integer> seen = new HashSet<>(done);
            for (int t : prompt) seen.add(t);
            for (int t : seen) logits[t] = logits[t] > 0 ? (float) (logits[t] / 1.8) : (float) (logits[t] * 1.8);
        });
        Result rr = engine.generate(new Request(CHAT, 0, 1, steps, List.of(), null, true, rep, null), Cancellation.none(), null);
        assertEquals(tok.decode(trimEos(expectedRep), true), rr.text());
        assertNotEquals(plain, expectedRep, "the case discriminates: this repetition penalty changes the greedy answer");

        int forced = tok.tokenId("▁sea");
        assertTrue(forced > 0);
        Result biased = engine.generate(new Request(CHAT, 0, 1, 5, List.of(), null, true,
                new Sampling(0, 0, 0, 0, 1, Map.of(forced, 100.0), -1), null), Cancellation.none(), null);
        assertEquals(tok.decode(new int[] {forced, forced, forced, forced, forced}, true), biased.text());
    }

    private static int[] trimEos(List<Integer> ids) {
        List<Integer> out = new ArrayList<>();
        for (int t : ids) {
            if (t == 2 || t == TinySala.FIRST_ADDED_ID) break;
            out.add(t);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void logprobsAreTheModelsLogSoftmaxOfEachSampledToken() {
        int steps = 6;
        int[] prompt = prompt();
        List<TokenLogprob> streamed = new ArrayList<>();
        Result r = engine.generate(request(0, null, steps, new Sampling(0, 0, 0, 0, 1, Map.of(), 3)), Cancellation.none(),
                new ChatEngine.TextSink() {
                    @Override
                    public void accept(String piece) {}

                    @Override
                    public void logprob(TokenLogprob t) {
                        streamed.add(t);
                    }
                });
        assertEquals(r.logprobs(), streamed);
        try (SalaState state = model.newState()) {
            float[] logits = model.forwardLogits(prompt, state);
            for (int s = 0; s < r.logprobs().size(); s++) {
                int next = Sampler.argmax(logits);
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (float l : logits) max = Math.max(max, l);
                for (float l : logits) sum += Math.exp(l - max);
                TokenLogprob lp = r.logprobs().get(s);
                assertEquals(logits[next] - max - Math.log(sum), lp.logprob(), 1e-6, "step " + s);
                assertEquals(3, lp.top().size());
                assertEquals(lp.logprob(), lp.top().getFirst().logprob(), 1e-12, "greedy picks the most likely");
                // the token as it stands mid-text (its leading space kept), as OpenAI reports it
                byte[] bytes = tok.tokenBytes(next); // null for an id past the vocabulary (a padding row of the embedding)
                assertEquals(bytes == null ? "" : new String(bytes, java.nio.charset.StandardCharsets.UTF_8), lp.token());
                assertEquals(tok.decode(new int[] {next}, false).strip(), lp.token().strip());
                logits = model.forwardLogits(new int[] {next}, state);
            }
        }
        assertEquals(null, engine.generate(request(0, null, 2, Sampling.DEFAULT), Cancellation.none(), null).logprobs());
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(InvalidRequestException.class, () -> engine.generate(request(0, null, 2,
                new Sampling(0, 0, 0, 0, 1, Map.of(tok.vocabSize(), 1.0), -1)), Cancellation.none(), null));
        assertThrows(InvalidRequestException.class, () -> engine.generate(request(0, null, 2,
                new Sampling(0, 0, 0, 0, 1, Map.of(), 21)), Cancellation.none(), null));
        assertThrows(InvalidRequestException.class, () -> engine.generate(request(0, null, 2,
                new Sampling(0, 0, 0, 0, 0, Map.of(), -1)), Cancellation.none(), null));
    }
}
