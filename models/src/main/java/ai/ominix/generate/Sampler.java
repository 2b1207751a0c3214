package ai.ominix.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from host logits: greedy at temperature 0 (first index on ties), else
 * softmax(logits / T), restricted to the {@code topK} most likely tokens (ties at the k-th value
 * are kept), to those at least {@code minP} times as likely as the most likely one, and to the
 * smallest set whose probability reaches {@code topP} (nucleus), drawn with a seeded generator so
 * that one seed gives one output.
 */
public final class Sampler {

    private final double temperature;
    private final double topP;
    private final int topK;
    private final double minP;
    private final SplittableRandom random;

    /** @param seed null for a nondeterministic generator */
    public Sampler(double temperature, double topP, Long seed) {
        this(temperature, topP, 0, 0, seed);
    }

    /**
     * @param topK 0 for no limit
     * @param minP 0 for no limit
     */
    public Sampler(double temperature, double topP, int topK, double minP, Long seed) {
        if (topK < 0) throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        this.topK = topK;
        this.minP = minP;
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        this.temperature = temperature;
        this.topP = topP;
        this.random = seed == null ? new SplittableRandom() : new SplittableRandom(seed);
    }

    public static Sampler greedy() {
        return new Sampler(0, 1, 0L);
    }

    /** True when {@link #sample} is a plain argmax (the backend can do it without copying logits). */
    public boolean isGreedy() {
        return temperature == 0;
    }

    public int sample(float[] logits) {
        if (isGreedy()) return argmax(logits);
        int n = logits.length;
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            total += p[i];
        }
        if (topK > 0 || minP > 0) total = truncate(p);
        if (topP >= 1) return draw(p, total);
        // Sort by probability (descending, lower index first on ties) and keep the nucleus.
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            long bits = Float.floatToIntBits((float) (p[i] / total)); // non-negative floats order as ints
            keyed[i] = (bits << 32) | (0xFFFFFFFFL & ~i);
        }
        Arrays.sort(keyed);
        double kept = 0;
        int count = 0;
        for (int j = n - 1; j >= 0; j--) {
            kept += p[~(int) keyed[j]];
            count++;
            if (kept >= topP * total) break;
        }
        double u = random.nextDouble() * kept;
        for (int j = n - 1; j >= n - count; j--) {
            int id = ~(int) keyed[j];
            u -= p[id];
            if (u < 0) return id;
        }
        return ~(int) keyed[n - count];
    }

    /** Zeroes the tokens top_k and min_p drop (the most likely token has p = 1 here); returns the new total. */
    private double truncate(double[] p) {
        double floor = minP; // relative to the maximum, which is exp(0) = 1
        if (topK > 0 && topK < p.length) {
            double[] sorted = p.clone();
            Arrays.sort(sorted);
            floor = Math.max(floor, sorted[sorted.length - topK]);
        }
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] < floor) p[i] = 0;
            total += p[i];
        }
        return total;
    }

    private int draw(double[] p, double total) {
        double u = random.nextDouble() * total;
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u < 0) return i;
        }
        for (int i = p.length - 1; i >= 0; i--) if (p[i] > 0) return i;
        return 0;
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) best = i;
        }
        return best;
    }
}
