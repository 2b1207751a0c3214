package ai.ominix.tokenizer;

/** UTF-8 helpers for incremental decoding. */
final class Utf8 {
    private Utf8() {}

    /**
     * Length of the prefix of {@code b[0..n)} that can be decoded now: everything except a trailing
     * lead byte followed by fewer continuation bytes than it needs (and only valid ones), which a
     * later token may complete. Cutting before a lead byte never changes the lossy decoding,
     * because a lead byte always starts a new sequence.
     */
    static int decodablePrefix(byte[] b, int n) {
        for (int back = 1; back <= 3 && back <= n; back++) {
            int i = n - back;
            int lead = b[i] & 0xFF;
            if (lead < 0x80) return n;
            if (lead < 0xC0) continue;                 // continuation byte: look further back
            if (lead < 0xC2 || lead > 0xF4) return n;  // never a valid lead: decodes (to U+FFFD) now
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (back >= need) return n;
            for (int k = 1; k < back; k++) {
                if (!validContinuation(lead, k, b[i + k] & 0xFF)) return n;
            }
            return i;
        }
        return n;
    }

    /** Bytes in the sequence {@code lead} starts: 1 to 4, or 0 when it cannot start one (a continuation byte, C0, C1, F5..FF). */
    static int sequenceLength(int lead) {
        if (lead < 0x80) return 1;
        if (lead >= 0xC2 && lead <= 0xDF) return 2;
        if (lead >= 0xE0 && lead <= 0xEF) return 3;
        if (lead >= 0xF0 && lead <= 0xF4) return 4;
        return 0;
    }

    /** Whether byte {@code c} may stand at position {@code k} (1..3) of a sequence led by {@code lead}. */
    static boolean validContinuation(int lead, int k, int c) {
        int lo = 0x80, hi = 0xBF;
        if (k == 1) {
            switch (lead) {
                case 0xE0 -> lo = 0xA0;   // no overlong 3-byte forms
                case 0xED -> hi = 0x9F;   // no surrogates
                case 0xF0 -> lo = 0x90;   // no overlong 4-byte forms
                case 0xF4 -> hi = 0x8F;   // nothing above U+10FFFF
                default -> { }
            }
        }
        return c >= lo && c <= hi;
    }

    /**
     * Decodes with one U+FFFD per maximal invalid subsequence: the Unicode/WHATWG practice of
     * Rust's {@code from_utf8_lossy}, Python's {@code errors="replace"} and TextDecoder. (The JDK's
     * decoder differs on surrogate-like sequences: it turns {@code ED B0} into one U+FFFD, not two.)
     */
    static String decodeLossy(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        int end = off + len;
        int i = off;
        while (i < end) {
            int lead = b[i] & 0xFF;
            if (lead < 0x80) {
                sb.append((char) lead);
                i++;
                continue;
            }
            int need = sequenceLength(lead) - 1;
            if (need < 1) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int cp = lead & (0x3F >> need);
            int j = i + 1;
            int k = 1;
            while (k <= need && j < end && validContinuation(lead, k, b[j] & 0xFF)) {
                cp = cp << 6 | (b[j] & 0x3F);
                j++;
                k++;
            }
            if (k <= need) sb.append('\uFFFD'); // the lead and the valid continuations seen form one invalid subsequence
            else sb.appendCodePoint(cp);
            i = j;
        }
        return sb.toString();
    }
}
