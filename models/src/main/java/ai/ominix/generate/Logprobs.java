package ai.ominix.generate;

import ai.ominix.engine.ChatEngine.TokenLogprob;
import ai.ominix.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Log-probabilities of a step's tokens, {@code log softmax(logits)} in double precision over the
 * logits the sampler sees before temperature (penalties, bias and the output constraint applied:
 * a token the constraint forbids has probability 0 and is never among the alternatives), as
 * OpenAI reports them.
 */
public final class Logprobs {

    private Logprobs() {}

    /**
     * @param chosen the sampled token
     * @param top    how many of the most likely tokens to list beside it (0 to 20)
     */
    public static TokenLogprob of(float[] logits, int chosen, int top, Tokenizer tokenizer) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double logZ = max + Math.log(sum);
        List<TokenLogprob> alternatives = new ArrayList<>(top);
        if (top > 0) {
            // The k largest, most likely first, lower id first on ties.
            PriorityQueue<Integer> heap = new PriorityQueue<>(top + 1,
                    (a, b) -> logits[a] != logits[b] ? Float.compare(logits[a], logits[b]) : Integer.compare(b, a));
            for (int i = 0; i < logits.length; i++) {
                if (logits[i] == Float.NEGATIVE_INFINITY) continue;
                heap.add(i);
                if (heap.size() > top) heap.poll();
            }
            while (!heap.isEmpty()) {
                int id = heap.poll();
                alternatives.addFirst(entry(tokenizer, id, logits[id] - logZ, List.of()));
            }
        }
        return entry(tokenizer, chosen, logits[chosen] - logZ, List.copyOf(alternatives));
    }

    private static TokenLogprob entry(Tokenizer tokenizer, int id, double logprob, List<TokenLogprob> top) {
        byte[] bytes = tokenizer.tokenBytes(id);
        if (bytes == null) bytes = new byte[0];
        return new TokenLogprob(new String(bytes, StandardCharsets.UTF_8), logprob, bytes, top);
    }
}
