package ai.ominix.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.ChatEngine.Sampling;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogitAdjusterTest {

    /** The penalties as the references define them, in float64, one token at a time. */
    private static double[] reference(float[] logits, Sampling s, int[] prompt, List<Integer> generated) {
        double[] out = new double[logits.length];
        Map<Integer, Integer> counts = new HashMap<>();
        for (int t : generated) counts.merge(t, 1, Integer::sum);
        for (int i = 0; i < logits.length; i++) {
            double l = logits[i];
            boolean seen = counts.containsKey(i);
            for (int p : prompt) seen |= p == i;
            if (seen && s.repetitionPenalty() != 1) l = l > 0 ? l / s.repetitionPenalty() : l * s.repetitionPenalty();
            int c = counts.getOrDefault(i, 0);
            l -= c * s.frequencyPenalty() + (c > 0 ? s.presencePenalty() : 0);
            l += s.logitBias().getOrDefault(i, 0.0);
            out[i] = l;
        }
        return out;
    }

    @Test
    void matchesTheReferenceDefinitionsOnRandomLogits() {
        Random r = new Random(7);
        int vocab = 1031;
        Sampling s = new Sampling(0, 0, 0.7, 0.3, 1.3, Map.of(5, 2.5, 1030, -100.0, 17, 0.25), -1);
        int[] prompt = {3, 9, 9, 400, 1029};
        LogitAdjuster a = LogitAdjuster.of(s, prompt);
        List<Integer> generated = new java.util.ArrayList<>();
        for (int step = 0; step < 37; step++) {
            float[] logits = new float[vocab];
            for (int i = 0; i < vocab; i++) logits[i] = (float) (r.nextGaussian() * 4);
            double[] expected = reference(logits, s, prompt, generated);
            LogitAdjuster copy = a.copy();
            a.apply(logits);
            for (int i = 0; i < vocab; i++) assertEquals(expected[i], logits[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "id " + i);
            int t = r.nextInt(40); // repeats, so that counts grow
            a.observe(t);
            generated.add(t);
            // The copy is where a was: it did not see t.
            float[] again = new float[vocab];
            copy.apply(again);
            double[] before = reference(new float[vocab], s, prompt, generated.subList(0, generated.size() - 1));
            for (int i = 0; i < vocab; i++) assertEquals(before[i], again[i], 1e-5);
        }
    }

    @Test
    void inertByDefault() {
        LogitAdjuster a = LogitAdjuster.of(Sampling.DEFAULT, new int[] {1, 2, 3});
        assertTrue(a.inert());
        float[] l = {1, -2, 3};
        a.observe(0);
        a.apply(l);
        assertEquals(1, l[0]);
        assertEquals(-2, l[1]);
    }
}
