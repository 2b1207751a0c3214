package ai.ominix.tokenizer;

/**
 * Decodes a token stream one id at a time. {@link #push} returns only text that no later token can
 * change: a partial UTF-8 sequence (byte-level BPE) or an open run of byte-fallback tokens
 * (SentencePiece BPE) is held back until it completes. Not thread-safe: one per generation.
 */
public interface StreamDecoder {

    /** Adds one generated id; returns the text that became final (possibly empty, never null). */
    String push(int id);

    /** Ends the stream: returns whatever is held back, malformed bytes replaced by U+FFFD. */
    String flush();
}
