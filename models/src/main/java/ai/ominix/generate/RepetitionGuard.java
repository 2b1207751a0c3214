package ai.ominix.generate;

/**
 * Detects a runaway decode: the generated tokens end in a short pattern repeated many times in a
 * row (greedy decoding of a speech or chat model can lock into a loop and would otherwise run
 * to the token budget). The default is tuned to upstream Qwen3-ASR's text rule, which collapses
 * a pattern repeated 20+ times anyway: stopping there loses nothing the output would keep.
 */
public final class RepetitionGuard {

    private final int maxPeriod;
    private final int minRepeats;
    private final int minSpan;

    /**
     * @param maxPeriod  longest pattern (tokens) considered
     * @param minRepeats consecutive repetitions that count as a loop
     * @param minSpan    fewest trailing tokens the repetitions must cover (protects short periods)
     */
    public RepetitionGuard(int maxPeriod, int minRepeats, int minSpan) {
        if (maxPeriod < 1 || minRepeats < 2 || minSpan < 2) throw new IllegalArgumentException("bad guard limits");
        this.maxPeriod = maxPeriod;
        this.minRepeats = minRepeats;
        this.minSpan = minSpan;
    }

    /** A 1..32-token pattern repeated 20 times, at least 40 tokens in all. */
    public static RepetitionGuard standard() {
        return new RepetitionGuard(32, 20, 40);
    }

    /** True when {@code tokens[0, n)} ends in a loop. */
    public boolean isRunaway(int[] tokens, int n) {
        for (int p = 1; p <= maxPeriod; p++) {
            int span = Math.max(minSpan, p * minRepeats);
            if (span > n) continue;
            int j = n - 1;
            int stop = n - span + p;
            while (j >= stop && tokens[j] == tokens[j - p]) j--;
            if (j < stop) return true;
        }
        return false;
    }
}
