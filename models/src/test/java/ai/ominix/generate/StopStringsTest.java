package ai.ominix.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StopStringsTest {

    @Test
    void cutsBeforeAStopSplitAcrossPieces() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("hello ", s.push("hello E"));
        assertEquals("", s.push("N"));
        assertEquals("", s.push("D and more"));
        assertTrue(s.stopped());
        assertEquals("", s.flush());
    }

    @Test
    void releasesHeldTextWhenTheStopDoesNotComplete() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("a", s.push("aEN"));
        assertEquals("ENx", s.push("x"));
        assertEquals("", s.push("E"));
        assertEquals("E", s.flush());
        assertFalse(s.stopped());
    }

    @Test
    void theStopCompletingFirstWins() {
        assertEquals("hel", new StopStrings(List.of("world", "lo w")).push("hello world"));
        assertEquals("ab", new StopStrings(List.of("abcd", "c")).push("abcd"));
        assertEquals("", new StopStrings(List.of("bc", "abc")).push("abc"));
    }

    /** Any split of a text gives the same output as cutting the whole text at the first stop. */
    @Test
    void streamingEqualsWholeTextOnRandomSplits() {
        Random r = new Random(11);
        String alphabet = "ab\n<é😀";
        for (int trial = 0; trial < 3000; trial++) {
            String text = randomText(r, alphabet, r.nextInt(30));
            List<String> stops = List.of(randomText(r, alphabet, 1 + r.nextInt(3)), randomText(r, alphabet, 1 + r.nextInt(4)));
            int cut = text.length();
            int cutEnd = Integer.MAX_VALUE;
            for (String stop : stops) {   // the stop that completes first; same end: the one starting first
                int at = text.indexOf(stop);
                if (at >= 0 && (at + stop.length() < cutEnd || at + stop.length() == cutEnd && at < cut)) {
                    cut = at;
                    cutEnd = at + stop.length();
                }
            }
            StopStrings s = new StopStrings(stops);
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < text.length()) {
                int j = Math.min(text.length(), i + 1 + r.nextInt(4));
                out.append(s.push(text.substring(i, j)));
                assertTrue(text.startsWith(out.toString()), "emitted text must be a prefix of the input");
                assertTrue(out.length() <= cut, "never emits the stop string or beyond: " + text + " " + stops + " -> " + out);
                i = j;
            }
            out.append(s.flush());
            assertEquals(text.substring(0, cut), out.toString(), "text " + text + " stops " + stops);
            assertEquals(cut < text.length(), s.stopped());
        }
    }

    static String randomText(Random r, String alphabet, int codePoints) {
        int[] cps = alphabet.codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < codePoints; i++) b.appendCodePoint(cps[r.nextInt(cps.length)]);
        return b.toString();
    }
}
