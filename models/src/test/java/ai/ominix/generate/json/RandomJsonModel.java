package ai.ominix.generate.json;

import ai.ominix.generate.TokenConstraint;
import ai.ominix.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A stand-in for a model with random weights: random logits over the whole vocabulary, sampled
 * at temperature 1 after the constraint's mask. Tokens that close something (a quote, a bracket,
 * a brace) and the end tokens get a bias, so that documents end in a few hundred tokens as they
 * do with a trained model; everything else is left to chance.
 */
final class RandomJsonModel {
    private final Tokenizer tokenizer;
    private final int[] ends;
    private final float[] bias;

    RandomJsonModel(Tokenizer tokenizer, int[] ends, float closingBias) {
        this.tokenizer = tokenizer;
        this.ends = ends;
        this.bias = new float[tokenizer.vocabSize()];
        for (int id = 0; id < bias.length; id++) {
            byte[] b = tokenizer.tokenBytes(id);
            if (b == null) continue;
            for (byte x : b) if (x == '"' || x == '}' || x == ']') bias[id] = closingBias;
        }
        for (int e : ends) bias[e] = closingBias;
    }

    record Sample(String text, boolean ended, int tokens) {}

    Sample generate(TokenConstraint c, long seed, int maxTokens) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        float[] logits = new float[bias.length];
        for (int step = 0; step < maxTokens; step++) {
            for (int i = 0; i < logits.length; i++) logits[i] = (float) (rnd.nextDouble() * 4) + bias[i];
            c.mask(logits);
            int t = sample(logits, rnd);
            c.accept(t);
            for (int e : ends) if (e == t) return new Sample(text.toString(StandardCharsets.UTF_8), true, step + 1);
            text.writeBytes(tokenizer.tokenBytes(t));
        }
        return new Sample(text.toString(StandardCharsets.UTF_8), false, maxTokens);
    }

    static int sample(float[] logits, SplittableRandom rnd) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) if (l > Float.NEGATIVE_INFINITY) sum += Math.exp(l - max);
        double u = rnd.nextDouble() * sum;
        int last = -1;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == Float.NEGATIVE_INFINITY) continue;
            last = i;
            u -= Math.exp(logits[i] - max);
            if (u <= 0) return i;
        }
        return last;
    }
}
