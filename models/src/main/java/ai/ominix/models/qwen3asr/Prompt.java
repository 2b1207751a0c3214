package ai.ominix.models.qwen3asr;

import ai.ominix.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * The ChatML prompt around the audio (qwen3-asr.md §4):
 * <pre>
 * &lt;|im_start|&gt;system\n{context}&lt;|im_end|&gt;\n&lt;|im_start|&gt;user\n&lt;|audio_start|&gt;
 *   {N × &lt;|audio_pad|&gt;}
 * &lt;|audio_end|&gt;&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n[language {Name}&lt;asr_text&gt;]
 * </pre>
 * The placeholders are contiguous, so splicing the audio vectors in their place (upstream's
 * {@code masked_scatter}) is a concatenation: embed(prefix) · audio · embed(suffix). The text
 * between {@code <|im_start|>} and {@code <|im_end|>} ("system\n" + context) is encoded as one
 * plain segment, as upstream's tokenizer does, but without matching added tokens inside it: a
 * context cannot inject {@code <|im_end|>}.
 *
 * @param prefix      ids up to and including {@code <|audio_start|>}
 * @param audioTokens N, the number of audio vectors (and placeholders)
 * @param suffix      ids from {@code <|audio_end|>} to the end
 */
public record Prompt(int[] prefix, int audioTokens, int[] suffix, int audioPadId) {

    public static Prompt build(Tokenizer tokenizer, int audioPadId, int audioTokens, String context, String language) {
        int[] start = tokenizer.encode("<|im_start|>");
        int[] system = tokenizer.encodeOrdinary("system\n" + (context == null ? "" : context));
        int[] rest = tokenizer.encode("<|im_end|>\n<|im_start|>user\n<|audio_start|>");
        String post = "<|audio_end|><|im_end|>\n<|im_start|>assistant\n";
        if (language != null && !language.isEmpty()) post += "language " + language + OutputParser.ASR_TEXT_TAG;
        return new Prompt(concat(start, system, rest), audioTokens, tokenizer.encode(post), audioPadId);
    }

    private static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public int length() {
        return prefix.length + audioTokens + suffix.length;
    }

    /** All ids, placeholders included (as upstream feeds them). */
    public int[] ids() {
        int[] ids = Arrays.copyOf(prefix, length());
        Arrays.fill(ids, prefix.length, prefix.length + audioTokens, audioPadId);
        System.arraycopy(suffix, 0, ids, prefix.length + audioTokens, suffix.length);
        return ids;
    }
}
