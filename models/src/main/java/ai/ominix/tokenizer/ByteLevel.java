package ai.ominix.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte ↔ character map: printable Latin-1 bytes stand for themselves, the
 * other 68 bytes are shifted to U+0100.., so every byte sequence is a string of visible
 * characters (a space is {@code Ġ}, a newline {@code Ċ}).
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 if it is not one of the 256 byte characters. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The byte characters in GPT-2's vocabulary order (printable bytes first, then the shifted ones). */
    static String[] alphabet() {
        String[] out = new String[256];
        int i = 0;
        for (int c = 0; c < CHAR_TO_BYTE.length; c++) {
            if (CHAR_TO_BYTE[c] >= 0) out[i++] = String.valueOf((char) c);
        }
        return out;
    }

    /** The byte-level string of UTF-8 bytes. */
    static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /** The bytes of a byte-level string, or null if it contains a character outside the map. */
    static byte[] decode(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }
}
