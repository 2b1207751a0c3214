package ai.ominix.tokenizer;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Text ↔ token ids for one model, with the semantics of the Hugging Face {@code tokenizers}
 * library for that model's files. Implementations are immutable and thread-safe (their caches
 * are concurrent), so one instance serves every request of a loaded model.
 *
 * <p>Ids that name no token (e.g. padding rows of an embedding larger than the vocabulary) are
 * ignored by {@link #decode} and {@link StreamDecoder}, as the reference library does.
 */
public interface Tokenizer {

    /**
     * Encodes text without adding BOS/EOS. Added tokens (e.g. {@code <|im_start|>}) are matched
     * literally, leftmost-longest, before the model's normalisation, pre-tokenisation and BPE,
     * so a chat template rendered as text can be encoded directly.
     */
    int[] encode(String text);

    /**
     * Encodes text as plain text: added-token strings in it are not matched (as tiktoken's
     * {@code encode_ordinary}, HF's {@code split_special_tokens=True}), so a user who types
     * {@code <|im_end|>} cannot end a chat turn. No BOS/EOS.
     */
    int[] encodeOrdinary(String text);

    /**
     * Like {@link #encode(String)}, then adds the BOS/EOS tokens the tokenizer's configuration asks
     * for ({@code add_bos_token}/{@code add_eos_token} of {@code tokenizer_config.json}, else the
     * {@code TemplateProcessing} post-processor of {@code tokenizer.json}). MiniCPM: BOS {@code <s>};
     * Qwen: nothing.
     */
    int[] encodeWithSpecial(String text);

    /**
     * Decodes ids to text.
     *
     * @param skipSpecialTokens drop tokens whose {@code special} flag is set (e.g. {@code <|im_end|>});
     *                          non-special added tokens such as {@code <asr_text>} are kept
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /**
     * An incremental decoder for token-by-token streaming: the concatenation of everything its
     * {@code push}/{@code flush} calls return equals {@link #decode(int[], boolean)} of the same ids.
     */
    StreamDecoder streamDecoder(boolean skipSpecialTokens);

    /** The id of a token given by its vocabulary string (e.g. {@code "<|im_end|>"}, {@code "Ġthe"}); -1 if absent. */
    int tokenId(String token);

    /** The vocabulary string of an id (byte-level form, e.g. {@code "Ġthe"}, or {@code "▁the"}); null if no token has it. */
    String tokenString(int id);

    /**
     * The bytes a token stands for in the middle of a decoded text (UTF-8, possibly a partial
     * character): a byte-level token's bytes, a SentencePiece piece with its ▁ as a space, a
     * byte-fallback token's one byte, an added token's content. Null when no token has the id.
     * What constrained decoding matches and what {@code logprobs} reports as a token's bytes.
     */
    byte[] tokenBytes(int id);

    /** True for added tokens flagged {@code special} (the ones {@code skipSpecialTokens} drops). */
    boolean isSpecial(int id);

    /** 1 + the highest id of any token, added tokens included. */
    int vocabSize();

    OptionalInt bosId();

    OptionalInt eosId();

    OptionalInt padId();

    OptionalInt unkId();

    /** The raw {@code chat_template} string shipped with the tokenizer, if any. */
    Optional<String> chatTemplate();
}
