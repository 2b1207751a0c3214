package ai.ominix.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ThinkSplitterTest {

    /** Reasoning and content of a whole text pushed at once. */
    private static String[] split(String text) {
        ThinkSplitter t = new ThinkSplitter();
        ThinkSplitter.Split a = t.push(text);
        ThinkSplitter.Split b = t.flush();
        return new String[] {a.reasoning() + b.reasoning(), a.content() + b.content()};
    }

    @Test
    void theLeadingBlockIsReasoningAndTheBlankLinesAfterItAreDropped() {
        String[] s = split("<think>\nlet me see\n</think>\n\nHi there");
        assertEquals("let me see", s[0]);
        assertEquals("Hi there", s[1]);
    }

    @Test
    void answersWithoutABlockAreAllContent() {
        assertEquals("Hello <think>x</think>", split("Hello <think>x</think>")[1]);
        assertEquals("", split("Hello <think>x</think>")[0]);
        assertEquals("<thin", split("<thin")[1]);
    }

    @Test
    void anUnterminatedBlockIsAllReasoning() {
        String[] s = split("<think>still thinking  ");
        assertEquals("still thinking", s[0]);
        assertEquals("", s[1]);
    }

    @Test
    void streamsWithoutHoldingOrdinaryAnswers() {
        ThinkSplitter t = new ThinkSplitter();
        assertEquals("Hello", t.push("Hello").content());
        assertEquals(" world", t.push(" world").content());
    }

    @Test
    void nothingFromInsideTheBlockLeaksIntoTheContent() {
        ThinkSplitter t = new ThinkSplitter();
        StringBuilder content = new StringBuilder();
        for (char c : "<think>secret</think>\n\nok".toCharArray()) {
            content.append(t.push(String.valueOf(c)).content());
            assertFalse(content.toString().contains("s"), content.toString());
        }
        content.append(t.flush().content());
        assertEquals("ok", content.toString());
    }

    /** Random splits of random answers give what the whole text gives, for reasoning and content alike. */
    @Test
    void streamingEqualsWholeTextOnRandomSplits() {
        Random r = new Random(5);
        String[] parts = {"<think>", "</think>", "\n", " ", "a", "<", "é", "😀", "think>", "</"};
        for (int trial = 0; trial < 5000; trial++) {
            StringBuilder text = new StringBuilder();
            for (int i = r.nextInt(9); i > 0; i--) text.append(parts[r.nextInt(parts.length)]);
            String whole = text.toString();
            ThinkSplitter t = new ThinkSplitter();
            StringBuilder reasoning = new StringBuilder();
            StringBuilder content = new StringBuilder();
            int i = 0;
            while (i < whole.length()) {
                int j = Math.min(whole.length(), i + 1 + r.nextInt(5));
                ThinkSplitter.Split s = t.push(whole.substring(i, j));
                reasoning.append(s.reasoning());
                content.append(s.content());
                i = j;
            }
            ThinkSplitter.Split s = t.flush();
            reasoning.append(s.reasoning());
            content.append(s.content());
            String[] want = oracle(whole);
            String where = "text " + whole.replace("\n", "\\n");
            assertEquals(want[0], reasoning.toString(), where);
            assertEquals(want[1], content.toString(), where);
        }
    }

    /** The non-streaming rule. */
    private static String[] oracle(String text) {
        String trimmed = text.stripLeading();
        if (!trimmed.startsWith("<think>")) return new String[] {"", text};
        int end = trimmed.indexOf("</think>", "<think>".length());
        if (end < 0) return new String[] {trimmed.substring("<think>".length()).strip(), ""};
        return new String[] {trimmed.substring("<think>".length(), end).strip(),
                trimmed.substring(end + "</think>".length()).stripLeading()};
    }
}
