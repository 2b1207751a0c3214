package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Regular expressions of tokenizer files, compiled with Unicode semantics. */
final class TokenizerPatterns {

    /** Qwen2/Qwen3 pre-tokenizer (qwen3-asr.md §8.5). */
    static final String QWEN2 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** GPT-2's pre-tokenizer (ByteLevel with {@code use_regex: true}). */
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private TokenizerPatterns() {}

    /**
     * Compiles a pattern of the Oniguruma dialect used by {@code tokenizers}. Without
     * UNICODE_CHARACTER_CLASS Java's {@code \s} is ASCII-only and would split differently.
     */
    static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw new ModelLoadException("tokenizer regex does not compile in Java: " + regex, e);
        }
    }
}
