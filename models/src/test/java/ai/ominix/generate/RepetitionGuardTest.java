package ai.ominix.generate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RepetitionGuardTest {

    private static int[] repeat(int[] pattern, int times, int... prefix) {
        int[] out = new int[prefix.length + pattern.length * times];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        for (int i = 0; i < times; i++) System.arraycopy(pattern, 0, out, prefix.length + i * pattern.length, pattern.length);
        return out;
    }

    @Test
    void stopsASingleTokenLoopOnlyAfterTheMinimumSpan() {
        RepetitionGuard g = RepetitionGuard.standard();
        int[] t = repeat(new int[] {7}, 40, 1, 2, 3);
        assertFalse(g.isRunaway(t, t.length - 1), "39 repeats of one token: not yet");
        assertTrue(g.isRunaway(t, t.length));
    }

    @Test
    void stopsLongerPatternsAfterTwentyRepeats() {
        RepetitionGuard g = RepetitionGuard.standard();
        int[] p = {5, 9, 11};
        int[] t = repeat(p, 20, 42);
        assertTrue(g.isRunaway(t, t.length));
        assertFalse(g.isRunaway(t, t.length - 1), "the 20th repetition is incomplete");
        int[] p32 = new int[32];
        for (int i = 0; i < 32; i++) p32[i] = 100 + i;
        int[] t32 = repeat(p32, 20);
        assertTrue(g.isRunaway(t32, t32.length));
        int[] p33 = new int[33];
        for (int i = 0; i < 33; i++) p33[i] = 100 + i;
        int[] t33 = repeat(p33, 30);
        assertFalse(g.isRunaway(t33, t33.length), "patterns longer than 32 tokens are not tracked");
    }

    @Test
    void ordinaryTextIsNotALoop() {
        RepetitionGuard g = RepetitionGuard.standard();
        int[] t = new int[500];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(50);
        assertFalse(g.isRunaway(t, t.length));
        int[] broken = repeat(new int[] {1, 2}, 30);
        broken[broken.length - 5] = 3; // a break near the end
        assertFalse(g.isRunaway(broken, broken.length));
    }
}
