package ai.ominix.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The open run of byte-fallback tokens ({@code <0xNN>}) in a SentencePiece decode, turned into
 * text one character at a time: a character is final as soon as its last byte arrives, so CJK
 * text and stop strings stream without waiting for the run to end. A byte that cannot start a
 * character, or a lead byte whose next byte does not continue it, becomes one U+FFFD; bytes of a
 * character the run leaves unfinished become one U+FFFD each.
 *
 * <p>This differs from Hugging Face's Rust {@code ByteFallback} decoder in one case only: a run
 * holding both valid characters and invalid bytes. Rust replaces every byte of such a run
 * (its check is {@code String::from_utf8} on the whole run), which no decoder can do without
 * holding the whole run back; here the valid characters stay. Valid runs, and runs of invalid
 * bytes alone, decode the same (one U+FFFD per byte).
 */
final class ByteRun {
    private final byte[] pending = new byte[4]; // the start of a character still missing bytes
    private int n;

    /** Adds one byte; returns the text it made final (possibly empty). */
    String add(int b) {
        pending[n++] = (byte) b;
        StringBuilder out = new StringBuilder(2);
        int i = 0;
        while (i < n) {
            int lead = pending[i] & 0xFF;
            int need = Utf8.sequenceLength(lead);
            int k = 1;
            while (k < need && i + k < n && Utf8.validContinuation(lead, k, pending[i + k] & 0xFF)) k++;
            if (need > 0 && k == need) {
                out.append(new String(pending, i, need, StandardCharsets.UTF_8));
                i += need;
            } else if (need == 0 || i + k < n) {
                out.append('\uFFFD'); // starts no character: the next byte is looked at afresh
                i++;
            } else {
                break; // a valid start: wait for the rest
            }
        }
        System.arraycopy(pending, i, pending, 0, n - i);
        n -= i;
        return out.toString();
    }

    /** Ends the run: one U+FFFD per byte of an unfinished character. */
    String close() {
        String out = "\uFFFD".repeat(n);
        n = 0;
        return out;
    }
}
