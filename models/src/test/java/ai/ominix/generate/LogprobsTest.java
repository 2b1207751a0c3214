package ai.ominix.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.ChatEngine.TokenLogprob;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogprobsTest {

    @TempDir
    Path dir;

    @Test
    void logSoftmaxAndTheMostLikelyAlternatives() {
        TinyTokenizerFiles.writeMiniCpm(dir, -1, 40);
        Tokenizer tok = Tokenizers.load(dir);
        int vocab = tok.vocabSize();
        Random r = new Random(3);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float) (r.nextGaussian() * 3);
        logits[11] = Float.NEGATIVE_INFINITY; // forbidden by a constraint
        logits[12] = logits[13];                // a tie
        // float64 reference
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double logZ = max + Math.log(sum);
        int chosen = 7;
        TokenLogprob lp = Logprobs.of(logits, chosen, 20, tok);
        assertEquals(logits[chosen] - logZ, lp.logprob(), 1e-9);
        assertEquals(tok.decode(new int[] {chosen}, false), lp.token());
        assertEquals(20, lp.top().size());
        double total = 0;
        for (int i = 0; i < vocab; i++) total += Math.exp(logits[i] - logZ);
        assertEquals(1, total, 1e-9, "the log-probabilities are a distribution");
        for (int k = 1; k < lp.top().size(); k++) {
            assertTrue(lp.top().get(k - 1).logprob() >= lp.top().get(k).logprob(), "most likely first");
        }
        // The best alternative is the argmax.
        assertEquals(logits[Sampler.argmax(logits)] - logZ, lp.top().getFirst().logprob(), 1e-9);
        int above = 0;
        for (float l : logits) if (l - logZ > lp.top().getLast().logprob()) above++;
        assertTrue(above <= 19, "no token more likely than the last listed is left out");
        assertEquals(0, Logprobs.of(logits, chosen, 0, tok).top().size());
    }
}
