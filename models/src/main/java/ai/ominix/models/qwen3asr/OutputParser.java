package ai.ominix.models.qwen3asr;

import java.util.Locale;

/**
 * Turns the decoded model output ({@code language English<asr_text>Hello.}) into language and
 * text, as upstream's {@code parse_asr_output} does (qwen3-asr.md §6), including its repetition
 * collapse. Works on code points so that "characters" mean what they mean in Python.
 */
public final class OutputParser {

    public static final String ASR_TEXT_TAG = "<asr_text>";
    private static final String LANG_PREFIX = "language ";
    /** Upstream {@code detect_and_fix_repetitions(threshold=20)}; patterns up to 20 characters. */
    private static final int REPEAT_THRESHOLD = 20;
    private static final int MAX_PATTERN = 20;

    private OutputParser() {}

    /** @param language canonical name, "" when none was detected */
    public record Parsed(String language, String text) {}

    /**
     * @param forcedLanguage the language forced in the prompt (the output is then the text only), or null
     */
    public static Parsed parse(String raw, String forcedLanguage) {
        String s = raw == null ? "" : pyStrip(raw);
        if (s.isEmpty()) return new Parsed("", "");
        s = collapseRepetitions(s);
        if (forcedLanguage != null && !forcedLanguage.isEmpty()) return new Parsed(forcedLanguage, s);
        int tag = s.indexOf(ASR_TEXT_TAG);
        if (tag < 0) return new Parsed("", pyStrip(s));
        String meta = s.substring(0, tag);
        String text = pyStrip(s.substring(tag + ASR_TEXT_TAG.length()));
        if (meta.toLowerCase(Locale.ROOT).contains("language none")) return new Parsed("", text);
        String language = "";
        for (String line : splitLines(meta)) {
            line = pyStrip(line);
            if (line.isEmpty()) continue;
            if (line.toLowerCase(Locale.ROOT).startsWith(LANG_PREFIX)) {
                String v = pyStrip(line.substring(LANG_PREFIX.length()));
                if (!v.isEmpty()) language = capitalize(v);
                break;
            }
        }
        return new Parsed(language, text);
    }

    /** Runs of more than 20 equal characters become one; then a 1..20-character pattern repeated 20+ times becomes one copy. */
    public static String collapseRepetitions(String s) {
        return codePointString(fixPatternRepeats(fixCharRepeats(s.codePoints().toArray())));
    }

    private static int[] fixCharRepeats(int[] s) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; ) {
            int count = 1;
            while (i + count < s.length && s[i + count] == s[i]) count++;
            if (count > REPEAT_THRESHOLD) {
                out[n++] = s[i];
            } else {
                System.arraycopy(s, i, out, n, count);
                n += count;
            }
            i += count;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Upstream scans start positions up to {@code n - 2 * threshold} only; kept as is. */
    private static int[] fixPatternRepeats(int[] s) {
        int n = s.length;
        if (n < REPEAT_THRESHOLD * 2) return s;
        IntBuilder out = new IntBuilder(n);
        int i = 0;
        while (i <= n - REPEAT_THRESHOLD * 2) {
            for (int k = 1; k <= MAX_PATTERN; k++) {
                if (i + k * REPEAT_THRESHOLD > n) break;
                if (repeats(s, i, k, REPEAT_THRESHOLD)) {
                    int end = i + REPEAT_THRESHOLD * k;
                    while (end + k <= n && java.util.Arrays.equals(s, i, i + k, s, end, end + k)) end += k;
                    out.add(s, i, i + k);
                    out.add(fixPatternRepeats(java.util.Arrays.copyOfRange(s, end, n)));
                    return out.toArray();
                }
            }
            out.add(s[i]);
            i++;
        }
        out.add(s, i, n);
        return out.toArray();
    }

    private static boolean repeats(int[] s, int start, int k, int times) {
        for (int rep = 1; rep < times; rep++) {
            int from = start + rep * k;
            if (!java.util.Arrays.equals(s, start, start + k, s, from, from + k)) return false;
        }
        return true;
    }

    private static String codePointString(int[] cps) {
        return new String(cps, 0, cps.length);
    }

    private static String capitalize(String v) {
        int first = v.codePointAt(0);
        int len = Character.charCount(first);
        return new String(Character.toChars(Character.toUpperCase(first))) + v.substring(len).toLowerCase(Locale.ROOT);
    }

    /** Python {@code str.isspace}: whitespace, space separators, and the information separators 0x1C–0x1F. */
    static boolean isPySpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85 || (c >= 0x1C && c <= 0x1F);
    }

    /** Python {@code str.strip()}. */
    static String pyStrip(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isPySpace(s.codePointAt(b))) b += Character.charCount(s.codePointAt(b));
        while (e > b && isPySpace(s.codePointBefore(e))) e -= Character.charCount(s.codePointBefore(e));
        return s.substring(b, e);
    }

    /** Python {@code str.splitlines()} (line boundaries \n \r \r\n \v \f \x1c-\x1e \x85 \u2028 \u2029). */
    static java.util.List<String> splitLines(String s) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean br = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E)
                    || c == 0x85 || c == 0x2028 || c == 0x2029;
            if (!br) continue;
            lines.add(s.substring(start, i));
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
            start = i + 1;
        }
        if (start < s.length()) lines.add(s.substring(start));
        return lines;
    }

    private static final class IntBuilder {
        private int[] a;
        private int n;

        IntBuilder(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        void add(int[] src, int from, int to) {
            for (int i = from; i < to; i++) add(src[i]);
        }

        void add(int[] src) {
            add(src, 0, src.length);
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
