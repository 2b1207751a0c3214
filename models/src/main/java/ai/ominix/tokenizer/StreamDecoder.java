package ai.ominix.tokenizer;

/**
 * Decodes a token stream one id at a time. {@link #push} returns only text that no later token can
 * change, and all of it: a character is returned with the token that completes its UTF-8 bytes
 * (byte-level BPE, and SentencePiece byte-fallback tokens alike), only an unfinished character is
 * held back. Not thread-safe: one per generation.
 */
public interface StreamDecoder {

    /** Adds one generated id; returns the text that became final (possibly empty, never null). */
    String push(int id);

    /** Ends the stream: returns whatever is held back, malformed bytes replaced by U+FFFD. */
    String flush();
}
