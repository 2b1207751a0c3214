package ai.ominix.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ThinkStripperTest {

    @Test
    void dropsTheLeadingBlockAndTheBlankLinesAfterIt() {
        assertEquals("Hi there", strip("<think>\nlet me see\n</think>\n\nHi there"));
    }

    @Test
    void passesAnswersWithoutABlock() {
        assertEquals("Hello <think>x</think>", strip("Hello <think>x</think>"));
        assertEquals("<thin", strip("<thin"));
    }

    @Test
    void anUnterminatedBlockIsAllThinking() {
        assertEquals("", strip("<think>still thinking"));
    }

    @Test
    void streamsWithoutHoldingOrdinaryAnswers() {
        ThinkStripper t = new ThinkStripper();
        assertEquals("Hello", t.push("Hello"));
        assertEquals(" world", t.push(" world"));
    }

    @Test
    void nothingFromInsideTheBlockEverLeaks() {
        ThinkStripper t = new ThinkStripper();
        StringBuilder out = new StringBuilder();
        for (char c : "<think>secret</think>\n\nok".toCharArray()) {
            out.append(t.push(String.valueOf(c)));
            assertFalse(out.toString().contains("s"), out.toString());
        }
        out.append(t.flush());
        assertEquals("ok", out.toString());
    }

    /** Random splits of random answers give the same result as stripping the whole text at once. */
    @Test
    void streamingEqualsWholeTextOnRandomSplits() {
        Random r = new Random(5);
        String[] parts = {"<think>", "</think>", "\n", " ", "a", "<", "é", "😀", "think>"};
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder text = new StringBuilder();
            for (int i = r.nextInt(8); i > 0; i--) text.append(parts[r.nextInt(parts.length)]);
            String whole = text.toString();
            ThinkStripper t = new ThinkStripper();
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < whole.length()) {
                int j = Math.min(whole.length(), i + 1 + r.nextInt(5));
                out.append(t.push(whole.substring(i, j)));
                i = j;
            }
            out.append(t.flush());
            assertEquals(oracle(whole), out.toString(), "text " + whole.replace("\n", "\\n"));
        }
    }

    private static String strip(String text) {
        ThinkStripper t = new ThinkStripper();
        return t.push(text) + t.flush();
    }

    /** The non-streaming rule. */
    private static String oracle(String text) {
        String trimmed = text.stripLeading();
        if (!trimmed.startsWith("<think>")) return text;
        int end = trimmed.indexOf("</think>", "<think>".length());
        return end < 0 ? "" : trimmed.substring(end + "</think>".length()).stripLeading();
    }
}
