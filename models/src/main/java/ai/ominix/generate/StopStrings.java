package ai.ominix.generate;

import java.util.List;

/**
 * Cuts a streamed text at the first stop string to complete, also when the stop string is split
 * across pieces, so that the result does not depend on how the text was split: text that could still be the start of a stop string is held back until the
 * next piece decides. The stop string itself is never emitted.
 */
public final class StopStrings {

    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    public StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** True once a stop string was seen; later pieces are ignored. */
    public boolean stopped() {
        return stopped;
    }

    /** Adds a piece; returns the text that is now certain to precede any stop string. */
    public String push(String piece) {
        if (stopped) return "";
        held.append(piece);
        // the stop that completes first ends the text (as it would token by token); same end: the longer one
        int cut = -1;
        int cutEnd = Integer.MAX_VALUE;
        for (String s : stops) {
            int at = held.indexOf(s);
            int end = at + s.length();
            if (at >= 0 && (end < cutEnd || end == cutEnd && at < cut)) {
                cut = at;
                cutEnd = end;
            }
        }
        if (cut >= 0) {
            stopped = true;
            String out = held.substring(0, cut);
            held.setLength(0);
            return out;
        }
        int keep = longestPartialMatch();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The end of the stream: whatever was held back is plain text after all. */
    public String flush() {
        String out = stopped ? "" : held.toString();
        held.setLength(0);
        return out;
    }

    /** Length of the longest suffix of {@code held} that is a proper prefix of some stop string. */
    private int longestPartialMatch() {
        int best = 0;
        String text = held.toString();
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, held.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
