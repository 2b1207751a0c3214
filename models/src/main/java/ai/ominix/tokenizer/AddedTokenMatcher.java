package ai.ominix.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits text on added tokens, leftmost-longest (as the Aho-Corasick matcher of {@code tokenizers}
 * does): at the first position where any token matches, the longest one wins. Honors
 * {@code lstrip}/{@code rstrip} (whitespace around the match is absorbed) and {@code single_word}
 * (the match must be bounded by whitespace or the text ends).
 */
final class AddedTokenMatcher {

    /** Receives the pieces of a split text in order. */
    interface Sink {
        /** A non-empty stretch of text with no added token; {@code start} is its offset in the split text. */
        void text(String text, int start);

        void token(int id);
    }

    private record Entry(String match, AddedToken token) {}

    private final Map<Character, Entry[]> byFirstChar = new HashMap<>();

    /** @param matchStrings the string each token is matched as (its content, or its normalised content) */
    AddedTokenMatcher(List<AddedToken> tokens, List<String> matchStrings) {
        Map<Character, List<Entry>> lists = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String m = matchStrings.get(i);
            if (m.isEmpty()) continue;
            lists.computeIfAbsent(m.charAt(0), c -> new ArrayList<>()).add(new Entry(m, tokens.get(i)));
        }
        lists.forEach((c, l) -> {
            l.sort(Comparator.comparingInt((Entry e) -> e.match.length()).reversed());
            byFirstChar.put(c, l.toArray(Entry[]::new));
        });
    }

    boolean isEmpty() {
        return byFirstChar.isEmpty();
    }

    void split(String text, Sink sink) {
        if (byFirstChar.isEmpty()) {
            if (!text.isEmpty()) sink.text(text, 0);
            return;
        }
        int emitted = 0;   // text before this offset has been handed to the sink
        int i = 0;
        int n = text.length();
        while (i < n) {
            Entry[] candidates = byFirstChar.get(text.charAt(i));
            Entry hit = null;
            if (candidates != null) {
                for (Entry e : candidates) {
                    if (text.startsWith(e.match, i) && singleWordOk(e, text, i)) {
                        hit = e;
                        break;
                    }
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            int start = i;
            int end = i + hit.match.length();
            if (hit.token.lstrip()) {
                while (start > emitted && Character.isWhitespace(text.codePointBefore(start))) {
                    start -= Character.charCount(text.codePointBefore(start));
                }
            }
            if (hit.token.rstrip()) {
                while (end < n && Character.isWhitespace(text.codePointAt(end))) {
                    end += Character.charCount(text.codePointAt(end));
                }
            }
            if (start > emitted) sink.text(text.substring(emitted, start), emitted);
            sink.token(hit.token.id());
            emitted = end;
            i = end;
        }
        if (emitted < n) sink.text(text.substring(emitted), emitted);
    }

    private static boolean singleWordOk(Entry e, String text, int at) {
        if (!e.token.singleWord()) return true;
        int end = at + e.match.length();
        boolean before = at == 0 || Character.isWhitespace(text.codePointBefore(at));
        boolean after = end == text.length() || Character.isWhitespace(text.codePointAt(end));
        return before && after;
    }
}
