package ai.ominix.tokenizer;

/**
 * A token added on top of the BPE vocabulary ({@code added_tokens} of {@code tokenizer.json},
 * {@code added_tokens_decoder} of {@code tokenizer_config.json}), matched literally in the text.
 *
 * @param special    dropped by {@code decode(ids, skipSpecialTokens=true)}
 * @param lstrip     absorbs the whitespace on its left when matched
 * @param rstrip     absorbs the whitespace on its right when matched
 * @param singleWord matches only when not inside a word
 * @param normalized matched in the normalised text rather than the raw text
 */
public record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip,
                         boolean singleWord, boolean normalized) {

    public AddedToken {
        if (id < 0) throw new IllegalArgumentException("negative id " + id + " for added token " + content);
        if (content == null || content.isEmpty()) throw new IllegalArgumentException("empty added token content, id " + id);
    }

    /** A plain added token (no stripping, matched in the raw text). */
    public static AddedToken of(int id, String content, boolean special) {
        return new AddedToken(id, content, special, false, false, false, false);
    }
}
