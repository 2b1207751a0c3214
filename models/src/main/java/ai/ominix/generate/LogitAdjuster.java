package ai.ominix.generate;

import ai.ominix.engine.ChatEngine.Sampling;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The request's changes to the model's logits before a token is chosen, in the order the
 * reference implementations apply them: the repetition penalty (Hugging Face's: divide a positive
 * logit, multiply a negative one, for every token of the prompt or the answer so far), then
 * OpenAI's presence and frequency penalties (minus {@code presence} once a token has been
 * generated, minus {@code frequency} per time it was), then {@code logit_bias}. Only the answer's
 * tokens count for presence and frequency, as OpenAI's; the prompt counts for repetition, as
 * Hugging Face's. Not thread-safe: one per generated sequence.
 */
public final class LogitAdjuster {

    private final Sampling sampling;
    private final BitSet seen;
    private final Map<Integer, Integer> counts;

    private LogitAdjuster(Sampling sampling, BitSet seen, Map<Integer, Integer> counts) {
        this.sampling = sampling;
        this.seen = seen;
        this.counts = counts;
    }

    /** @param prompt the prompt's ids (the repetition penalty's history starts with them) */
    public static LogitAdjuster of(Sampling sampling, int[] prompt) {
        BitSet seen = new BitSet();
        if (sampling.repetitionPenalty() != 1) for (int id : prompt) if (id >= 0) seen.set(id);
        return new LogitAdjuster(sampling, seen, new HashMap<>());
    }

    /** True when {@link #apply} changes nothing. */
    public boolean inert() {
        return !sampling.penalizes() && sampling.logitBias().isEmpty();
    }

    public void apply(float[] logits) {
        double rep = sampling.repetitionPenalty();
        if (rep != 1) {
            for (int id = seen.nextSetBit(0); id >= 0 && id < logits.length; id = seen.nextSetBit(id + 1)) {
                logits[id] = (float) (logits[id] > 0 ? logits[id] / rep : logits[id] * rep);
            }
        }
        double presence = sampling.presencePenalty();
        double frequency = sampling.frequencyPenalty();
        if (presence != 0 || frequency != 0) {
            for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
                int id = e.getKey();
                if (id < logits.length) logits[id] = (float) (logits[id] - presence - frequency * e.getValue());
            }
        }
        for (Map.Entry<Integer, Double> e : sampling.logitBias().entrySet()) {
            int id = e.getKey();
            if (id >= 0 && id < logits.length) logits[id] = (float) (logits[id] + e.getValue());
        }
    }

    /** Records a generated token. */
    public void observe(int token) {
        if (sampling.repetitionPenalty() != 1) seen.set(token);
        if (sampling.presencePenalty() != 0 || sampling.frequencyPenalty() != 0) counts.merge(token, 1, Integer::sum);
    }

    public LogitAdjuster copy() {
        return new LogitAdjuster(sampling, (BitSet) seen.clone(), new HashMap<>(counts));
    }
}
