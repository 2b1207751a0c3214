package ai.ominix.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void greedyTakesFirstMaximum() {
        assertEquals(2, Sampler.greedy().sample(new float[] {0f, 1f, 3f, 3f, -1f}));
    }

    @Test
    void sameSeedSameSequence() {
        float[] logits = randomLogits(1001, 7);
        Sampler a = new Sampler(0.8, 0.95, 42L);
        Sampler b = new Sampler(0.8, 0.95, 42L);
        for (int i = 0; i < 200; i++) assertEquals(a.sample(logits), b.sample(logits));
    }

    @Test
    void frequenciesFollowTheSoftmax() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(5)}; // p = 1/8, 2/8, 5/8
        Sampler s = new Sampler(1.0, 1.0, 7L);
        int[] counts = new int[3];
        int n = 40_000;
        for (int i = 0; i < n; i++) counts[s.sample(logits)]++;
        double[] expected = {1 / 8.0, 2 / 8.0, 5 / 8.0};
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], counts[i] / (double) n, 0.01, "token " + i);
        }
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        // p ∝ 50, 30, 15, 5 (%): top_p 0.8 keeps tokens 0 and 1 only.
        float[] logits = {(float) Math.log(50), (float) Math.log(30), (float) Math.log(15), (float) Math.log(5)};
        Sampler s = new Sampler(1.0, 0.8, 3L);
        int[] counts = new int[4];
        int n = 20_000;
        for (int i = 0; i < n; i++) counts[s.sample(logits)]++;
        assertEquals(0, counts[2] + counts[3]);
        assertEquals(50.0 / 80, counts[0] / (double) n, 0.015);
    }

    @Test
    void topKAndMinPDropTheUnlikelyTokens() {
        // p ∝ 40, 30, 20, 10 (%).
        float[] logits = {(float) Math.log(40), (float) Math.log(30), (float) Math.log(20), (float) Math.log(10)};
        int n = 20_000;
        int[] k2 = new int[4];
        Sampler topK = new Sampler(1.0, 1.0, 2, 0, 9L);
        for (int i = 0; i < n; i++) k2[topK.sample(logits)]++;
        assertEquals(0, k2[2] + k2[3]);
        assertEquals(40.0 / 70, k2[0] / (double) n, 0.015);
        // min_p 0.6: 20 % and 10 % are under 0.6 × 40 % = 24 %.
        int[] m = new int[4];
        Sampler minP = new Sampler(1.0, 1.0, 0, 0.6, 9L);
        for (int i = 0; i < n; i++) m[minP.sample(logits)]++;
        assertEquals(0, m[2] + m[3]);
        assertEquals(30.0 / 70, m[1] / (double) n, 0.015);
        // top_k 1 is greedy whatever the temperature.
        Sampler one = new Sampler(2.0, 1.0, 1, 0, 1L);
        for (int i = 0; i < 100; i++) assertEquals(0, one.sample(logits));
    }

    @Test
    void lowTemperatureApproachesGreedy() {
        float[] logits = randomLogits(513, 11);
        int best = Sampler.argmax(logits);
        Sampler s = new Sampler(1e-4, 1.0, 5L);
        for (int i = 0; i < 100; i++) assertEquals(best, s.sample(logits));
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Sampler(-1, 1, null));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(Double.NaN, 1, null));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 1, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 1, 0, 1.5, null));
        assertTrue(new Sampler(0, 1, null).isGreedy());
    }

    private static float[] randomLogits(int n, long seed) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) l[i] = (float) (r.nextGaussian() * 3);
        return l;
    }
}
