package ai.ominix.generate;

/**
 * Splits a streamed answer into its leading {@code <think>…</think>} block (the reasoning) and the
 * rest (the content), so that clients get {@code reasoning_content} apart from {@code content}.
 * The reasoning is the block's text without the whitespace around it; the content starts after
 * the whitespace that follows the block. Text is held back only while it may still be the tag or
 * whitespace whose place is not known yet; an answer that does not start with {@code <think>}
 * streams through unchanged. An unterminated block is all reasoning.
 */
public final class ThinkSplitter {

    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    /** What one push released: a piece of reasoning and a piece of content (either may be empty). */
    public record Split(String reasoning, String content) {
        static final Split NONE = new Split("", "");
    }

    private enum Phase { START, THINKING, AFTER, PASS }

    private final StringBuilder held = new StringBuilder();
    private Phase phase = Phase.START;
    private boolean reasoningStarted;
    private boolean opened;

    public Split push(String piece) {
        if (phase == Phase.PASS) return new Split("", piece);
        held.append(piece);
        return advance();
    }

    /** True while the text pushed so far is (or may still turn out to be) inside the block. */
    public boolean inReasoning() {
        return phase == Phase.START || phase == Phase.THINKING;
    }

    /** True while the text so far may still open a block or be plain text (nothing decided yet). */
    public boolean undecided() {
        return phase == Phase.START;
    }

    /** True once the answer's text opened a {@code <think>} block. */
    public boolean opened() {
        return phase == Phase.THINKING || phase == Phase.AFTER || opened;
    }

    /** The end of the stream. */
    public Split flush() {
        Split out = switch (phase) {
            // A partial "<think>" that never completed is ordinary text.
            case START -> new Split("", held.toString());
            // Unterminated: everything held is reasoning, less trailing whitespace and no partial tag.
            case THINKING -> new Split(reasoningStarted ? held.toString().stripTrailing() : held.toString().strip(), "");
            default -> Split.NONE;
        };
        held.setLength(0);
        phase = Phase.PASS;
        return out;
    }

    private Split advance() {
        if (phase == Phase.START) {
            String text = held.toString();
            String trimmed = text.stripLeading();
            if (trimmed.startsWith(OPEN)) {
                held.delete(0, text.length() - trimmed.length() + OPEN.length());
                phase = Phase.THINKING;
            } else if (OPEN.startsWith(trimmed)) {
                return Split.NONE;               // still possibly "<think>"
            } else {
                phase = Phase.PASS;
                held.setLength(0);
                return new Split("", text);
            }
        }
        String reasoning = "";
        if (phase == Phase.THINKING) {
            if (!reasoningStarted) {
                // Leading whitespace of the block is not reasoning.
                int lead = 0;
                while (lead < held.length() && Character.isWhitespace(held.charAt(lead))) lead++;
                held.delete(0, lead);
                if (held.isEmpty()) return Split.NONE;
            }
            int end = held.indexOf(CLOSE);
            if (end < 0) {
                // Hold back what may be the start of "</think>" and trailing whitespace (it may precede it).
                int keepTag = 0;
                for (int k = Math.min(held.length(), CLOSE.length() - 1); k > 0; k--) {
                    if (CLOSE.startsWith(held.substring(held.length() - k))) {
                        keepTag = k;
                        break;
                    }
                }
                int cut = held.length() - keepTag;
                while (cut > 0 && Character.isWhitespace(held.charAt(cut - 1))) cut--;
                reasoning = held.substring(0, cut);
                held.delete(0, cut);
                if (!reasoning.isEmpty()) reasoningStarted = true;
                return new Split(reasoning, "");
            }
            reasoning = held.substring(0, end).stripTrailing();
            if (!reasoning.isEmpty()) reasoningStarted = true;
            held.delete(0, end + CLOSE.length());
            phase = Phase.AFTER;
        }
        // AFTER: drop the whitespace that separates the block from the answer.
        String text = held.toString();
        String trimmed = text.stripLeading();
        held.setLength(0);
        if (trimmed.isEmpty()) return new Split(reasoning, "");
        opened = true;
        phase = Phase.PASS;
        return new Split(reasoning, trimmed);
    }
}
