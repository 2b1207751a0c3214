package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.CancelledException;
import ai.ominix.engine.ChatEngine.FinishReason;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.engine.ContextOverflowException;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat engine's generation loop and text pipeline on the tiny MiniCPM tokenizer, driven by a
 * scripted sequence whose logits make greedy decoding emit a chosen answer (the model itself is
 * checked against the reference in {@link SalaGoldenTest}; engine runs on it in {@link SalaChatModelTest}).
 */
class SalaChatEngineTest {

    private static final String THINKING = "<think>\nThe user says hello.\n</think>\n\n";
    private static final String ANSWER = "Hello 世界, nice to meet you!";

    @TempDir
    static Path dir;
    private static Tokenizer tok;
    private static int imEnd;

    @BeforeAll
    static void tokenizer() {
        TinyTokenizerFiles.Written w = TinyTokenizerFiles.writeMiniCpm(dir, TinySala.FIRST_ADDED_ID, TinySala.TOKENIZER_MERGES);
        tok = Tokenizers.load(dir);
        imEnd = w.id("<|im_end|>");
    }

    /** Greedy emits {@code script} then {@code <|im_end|>}; records how many forward calls ran. */
    private static final class Script implements SalaChatEngine.Sequence {
        final int[] ids;
        final AtomicInteger calls;
        int at;

        Script(int[] ids, AtomicInteger calls) {
            this.ids = ids;
            this.calls = calls;
        }

        @Override
        public float[] prefill(int[] prompt) {
            calls.incrementAndGet();
            return oneHot(0);
        }

        @Override
        public float[] next(int token) {
            calls.incrementAndGet();
            assertEquals(ids[at], token, "the engine feeds back the sampled token");
            return oneHot(++at);
        }

        private float[] oneHot(int i) {
            float[] logits = new float[tok.vocabSize()];
            logits[i < ids.length ? ids[i] : imEnd] = 10f;
            return logits;
        }

        @Override
        public void close() {}
    }

    private static SalaChatEngine engine(String text, int context, AtomicInteger calls) {
        int[] ids = tok.encode(text);
        return new SalaChatEngine("tiny", () -> new Script(ids, calls), () -> {}, tok, Set.of(2, imEnd), context);
    }

    private static Request request(boolean noThink, int maxTokens, List<String> stop) {
        return new Request(List.of(new Message("user", "Hi")), 0, 1, maxTokens, stop, null, noThink);
    }

    @Test
    void noThinkStripsTheBlockWhileStreamingWholeCharacters() {
        List<String> pieces = new ArrayList<>();
        Result r = engine(THINKING + ANSWER, 1000, new AtomicInteger()).generate(request(true, 100, List.of()),
                Cancellation.none(), pieces::add);
        assertEquals(ANSWER, r.text());
        assertEquals(String.join("", pieces), r.text(), "the streamed pieces add up to the answer");
        for (String p : pieces) {
            assertFalse(p.contains("user says") || p.contains("think"), "thinking leaked: " + p);
            assertFalse(p.contains("\uFFFD"), "a piece split a UTF-8 character: " + p);
        }
        assertTrue(pieces.size() > 3, "streamed token by token, not at the end: " + pieces);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(tok.encode(THINKING + ANSWER).length + 1, r.completionTokens(), "every sampled token, EOS included");
    }

    @Test
    void thinkingIsReturnedApartFromTheAnswer() {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        Result r = engine(THINKING + ANSWER, 1000, new AtomicInteger()).generate(request(false, 100, List.of()),
                Cancellation.none(), new ChatEngine.TextSink() {
                    @Override
                    public void accept(String piece) {
                        content.append(piece);
                    }

                    @Override
                    public void reasoning(String piece) {
                        reasoning.append(piece);
                    }
                });
        String whole = tok.decode(tok.encode(THINKING + ANSWER), true);
        String block = whole.substring(whole.indexOf("<think>") + 7, whole.indexOf("</think>")).strip();
        assertEquals(block, r.reasoning());
        assertEquals(ANSWER, r.text());
        assertEquals(r.reasoning(), reasoning.toString(), "streamed reasoning adds up to the result's");
        assertEquals(r.text(), content.toString());
    }

    @Test
    void theBlocksTokensAreCountedAsReasoningAndOnlyTheAnswersHaveLogprobs() {
        Request r0 = request(false, 100, List.of());
        Request req = new Request(r0.messages(), 0, 1, 100, List.of(), null, false,
                new ChatEngine.Sampling(0, 0, 0, 0, 1, java.util.Map.of(), 2), null);
        List<ChatEngine.TokenLogprob> streamed = new ArrayList<>();
        Result r = engine(THINKING + ANSWER, 1000, new AtomicInteger()).generate(req, Cancellation.none(),
                new ChatEngine.TextSink() {
                    @Override
                    public void accept(String piece) {}

                    @Override
                    public void logprob(ChatEngine.TokenLogprob t) {
                        streamed.add(t);
                    }
                });
        assertEquals(ANSWER, r.text());
        int all = tok.encode(THINKING + ANSWER).length;
        assertEquals(all + 1, r.completionTokens());
        assertEquals(all, r.reasoningTokens() + r.logprobs().size(), "each token is the block's or the answer's");
        assertTrue(r.reasoningTokens() >= tok.encode("<think>\nThe user says hello.\n</think>").length - 1, "" + r.reasoningTokens());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (ChatEngine.TokenLogprob t : r.logprobs()) bytes.writeBytes(t.bytes());
        assertEquals(ANSWER, bytes.toString(java.nio.charset.StandardCharsets.UTF_8).strip(), "the answer's tokens spell the answer");
        assertEquals(r.logprobs(), streamed);
    }

    @Test
    void stopStringAcrossTokensEndsTheAnswer() {
        List<String> pieces = new ArrayList<>();
        // "lo 世" spans the end of "Hello" and the first bytes of 世 (byte-fallback tokens)
        Result r = engine(ANSWER, 1000, new AtomicInteger()).generate(request(false, 100, List.of("lo 世")),
                Cancellation.none(), pieces::add);
        assertEquals("Hel", r.text());
        assertEquals("Hel", String.join("", pieces));
        assertEquals(FinishReason.STOP, r.finishReason());
        int[] ids = tok.encode(ANSWER);
        int needed = 0;
        while (!tok.decode(Arrays.copyOf(ids, needed), true).contains("lo 世")) needed++;
        // the stream decoder releases a run of byte tokens once it ends, so the stop may be seen a few tokens later
        assertTrue(r.completionTokens() >= needed && r.completionTokens() < ids.length,
                "generation stops soon after the stop string completes: " + r.completionTokens() + " of " + ids.length);
    }

    @Test
    void maxTokensEndsWithLength() {
        Result r = engine(ANSWER, 1000, new AtomicInteger()).generate(request(false, 3, List.of()), Cancellation.none(), null);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(3, r.completionTokens());
        assertEquals(tok.decode(Arrays.copyOf(tok.encode(ANSWER), 3), true), r.text());
    }

    @Test
    void usageCountsThePromptWithBos() {
        SalaChatEngine e = engine(ANSWER, 1000, new AtomicInteger());
        Request req = request(false, 5, List.of());
        int[] prompt = e.promptIds(req);
        assertEquals(1, prompt[0], "BOS first");
        assertEquals(prompt.length, e.generate(req, Cancellation.none(), null).promptTokens());
    }

    @Test
    void contextBoundsPromptAndCompletion() {
        Request req = request(false, 100, List.of());
        int promptLength = engine(ANSWER, 1000, new AtomicInteger()).promptIds(req).length;
        assertThrows(ContextOverflowException.class,
                () -> engine(ANSWER, promptLength, new AtomicInteger()).generate(req, Cancellation.none(), null));
        Result r = engine(ANSWER, promptLength + 2, new AtomicInteger()).generate(req, Cancellation.none(), null);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(2, r.completionTokens());
    }

    @Test
    void cancellationStopsBeforeTheNextForwardCall() {
        AtomicInteger calls = new AtomicInteger();
        Cancellation cancel = new Cancellation();
        AtomicInteger callsAtCancel = new AtomicInteger(-1);
        SalaChatEngine e = engine(ANSWER, 1000, calls);
        assertThrows(CancelledException.class, () -> e.generate(request(false, 100, List.of()), cancel, piece -> {
            cancel.cancel("client went away");
            callsAtCancel.compareAndSet(-1, calls.get());
        }));
        assertEquals(callsAtCancel.get(), calls.get(), "no forward call after the cancellation");
    }

    @Test
    void rejectsBadSamplingParameters() {
        SalaChatEngine e = engine(ANSWER, 1000, new AtomicInteger());
        assertThrows(InvalidRequestException.class, () -> e.generate(
                new Request(List.of(new Message("user", "x")), 3, 1, 5, List.of(), null, false), Cancellation.none(), null));
        assertThrows(InvalidRequestException.class, () -> e.generate(
                new Request(List.of(new Message("user", "x")), 1, 0, 5, List.of(), null, false), Cancellation.none(), null));
        assertThrows(InvalidRequestException.class, () -> e.generate(
                new Request(List.of(new Message("robot", "x")), 0, 1, 5, List.of(), null, false), Cancellation.none(), null));
    }

    @Test
    void rendersChatMlWithAnOptionalEmptyThinkBlock() {
        List<Message> conversation = List.of(new Message("system", "Be brief."), new Message("user", "Hi"),
                new Message("assistant", "Hello!"), new Message("user", "Bye"));
        String expected = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n";
        assertEquals(expected, SalaChatTemplate.render(conversation, false));
        assertEquals(expected + "<think>\n\n</think>\n\n", SalaChatTemplate.render(conversation, true));
    }
}
