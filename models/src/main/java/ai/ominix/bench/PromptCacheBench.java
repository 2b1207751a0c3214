package ai.ominix.bench;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.sala.SalaChatEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Time to first token of a conversation's later turns with the prompt cache against a cold run
 * of the same prompt, in one process: a 3-turn conversation whose history is about
 * {@code --history} tokens; each turn on an engine with the cache (turns 2 and 3 resume from
 * turn 1's and 2's prompts), then turn 3 again on an engine without one; the answers must be
 * equal token for token (greedy, with logprobs).
 *   PromptCacheBench --model DIR [--history 2048] [--new-tokens 8] [--backend cpu] [--threads T]
 */
public final class PromptCacheBench {
    private PromptCacheBench() {}

    private static final String[] WORDS = ("the model reads a long prompt and answers with care while the user waits for "
            + "tokens to stream back over the socket one by one and the cache keeps what it can").split(" ");

    /** {@code n} words of a small fixed vocabulary (prompts of a known length in tokens, roughly one per word). */
    public static String words(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        return s.toString();
    }

    /** Time to the first streamed piece, and the result. */
    private record Timed(double ttft, double total, Result result) {}

    private static Timed timed(ChatEngine engine, List<Message> messages, int newTokens) {
        Request r = new Request(messages, 0, 1, newTokens, List.of(), 1L, true,
                new ChatEngine.Sampling(0, 0, 0, 0, 1, Map.of(), 1), null);
        long t0 = System.nanoTime();
        long[] first = {0};
        Result res = engine.generate(r, Cancellation.none(), new ChatEngine.TextSink() {
            @Override
            public void accept(String piece) {
                if (first[0] == 0) first[0] = System.nanoTime();
            }

            @Override
            public void logprob(ChatEngine.TokenLogprob t) {
                if (first[0] == 0) first[0] = System.nanoTime();
            }
        });
        long t1 = System.nanoTime();
        return new Timed(((first[0] == 0 ? t1 : first[0]) - t0) / 1e9, (t1 - t0) / 1e9, res);
    }

    public static void main(String[] args) {
        Path model = null;
        int history = 2048, newTokens = 8, threads = Runtime.getRuntime().availableProcessors();
        String kind = "cpu";
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--history" -> history = Integer.parseInt(v);
                case "--new-tokens" -> newTokens = Integer.parseInt(v);
                case "--backend" -> kind = v;
                case "--threads" -> threads = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null) throw new IllegalArgumentException("--model DIR is required");
        try (Backend backend = Backends.open(kind, threads);
             SalaChatEngine warm = SalaChatEngine.load(model, backend, new SalaChatEngine.Options(32768, 4L << 30));
             SalaChatEngine cold = SalaChatEngine.load(model, backend, new SalaChatEngine.Options(32768, 0))) {
            List<Message> conversation = new ArrayList<>(List.of(new Message("system", "You are a helpful assistant. "
                    + words(history * 3 / 4, 1)), new Message("user", words(60, 2))));
            List<Timed> turns = new ArrayList<>();
            for (int turn = 1; turn <= 3; turn++) {
                Timed t = timed(warm, List.copyOf(conversation), newTokens);
                turns.add(t);
                System.out.printf(Locale.ROOT, "turn %d (cache): prompt %d tokens, %d cached, TTFT %.2f s, total %.2f s%n", turn,
                        t.result().promptTokens(), t.result().cachedTokens(), t.ttft(), t.total());
                conversation.add(new Message("assistant", t.result().text()));
                if (turn < 3) conversation.add(new Message("user", words(40, 10 + turn)));
            }
            conversation.removeLast();
            Timed coldThird = timed(cold, List.copyOf(conversation), newTokens);
            Result a = turns.get(2).result(), b = coldThird.result();
            boolean same = a.text().equals(b.text()) && a.completionTokens() == b.completionTokens();
            for (int i = 0; same && i < a.logprobs().size(); i++) same = a.logprobs().get(i).logprob() == b.logprobs().get(i).logprob();
            System.out.printf(Locale.ROOT, "turn 3 cold: prompt %d tokens, TTFT %.2f s, total %.2f s%n", b.promptTokens(),
                    coldThird.ttft(), coldThird.total());
            System.out.printf(Locale.ROOT, "TTFT cold / cached = %.1fx; answers identical (text, tokens, every logprob): %s%n",
                    coldThird.ttft() / turns.get(2).ttft(), same);
            System.out.printf(Locale.ROOT, "{\"bench\":\"prompt-cache\",\"history_tokens\":%d,\"cached_tokens\":%d,\"ttft_cached_s\":%.3f,"
                            + "\"ttft_cold_s\":%.3f,\"speedup\":%.2f,\"identical\":%s}%n", b.promptTokens(), a.cachedTokens(),
                    turns.get(2).ttft(), coldThird.ttft(), coldThird.ttft() / turns.get(2).ttft(), same);
        }
    }
}
