package ai.ominix.generate;

/**
 * Removes a leading {@code <think>…</think>} block (and the whitespace after it) from a streamed
 * answer, as OminiX's {@code --no-think} does. Text is held back only while it may still be or be
 * inside that block; an answer that does not start with {@code <think>} streams through unchanged.
 * An unterminated block yields nothing (it was all thinking).
 */
public final class ThinkStripper {

    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    private enum Phase { START, THINKING, AFTER, PASS }

    private final StringBuilder held = new StringBuilder();
    private Phase phase = Phase.START;

    public String push(String piece) {
        if (phase == Phase.PASS) return piece;
        held.append(piece);
        return advance();
    }

    /** The end of the stream. */
    public String flush() {
        // START: a partial "<think>" that never completed is ordinary text; AFTER holds only whitespace
        String out = phase == Phase.START ? held.toString() : "";
        held.setLength(0);
        phase = Phase.PASS;
        return out;
    }

    private String advance() {
        if (phase == Phase.START) {
            String text = held.toString();
            String trimmed = text.stripLeading();
            if (trimmed.startsWith(OPEN)) {
                held.delete(0, text.length() - trimmed.length() + OPEN.length());
                phase = Phase.THINKING;
            } else if (OPEN.startsWith(trimmed)) {
                return "";                       // still possibly "<think>"
            } else {
                phase = Phase.PASS;
                held.setLength(0);
                return text;
            }
        }
        if (phase == Phase.THINKING) {
            int end = held.indexOf(CLOSE);
            if (end < 0) {
                // keep only what may be the start of "</think>"
                int keep = Math.min(held.length(), CLOSE.length() - 1);
                held.delete(0, held.length() - keep);
                return "";
            }
            held.delete(0, end + CLOSE.length());
            phase = Phase.AFTER;
        }
        // AFTER: drop the whitespace that separates the block from the answer
        String text = held.toString();
        String trimmed = text.stripLeading();
        held.setLength(0);
        if (trimmed.isEmpty()) return "";
        phase = Phase.PASS;
        return trimmed;
    }
}
