package ai.ominix.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes synthetic Qwen3-ASR tokenizer files in the layout the real repositories ship
 * (qwen3-asr.md §8.5): {@code vocab.json} (byte-level BPE strings → ids), {@code merges.txt}
 * ({@code #version: 0.2} + one merge per line) and {@code tokenizer_config.json} with the 62
 * added tokens right after the base vocabulary. The base vocabulary is the 256 byte symbols, the
 * merges that spell the given words, and optional unreachable filler entries up to a target size
 * (the real base vocabulary has 151,643 entries, so filler gives benchmark checkpoints the real
 * token ids).
 */
public final class Qwen3AsrTokenizerFiles {

    /** The added tokens in id order after the base vocabulary, with their {@code special} flag. */
    public static final List<Map.Entry<String, Boolean>> ADDED_TOKENS = addedTokens();

    private Qwen3AsrTokenizerFiles() {}

    /** Where the ids landed: the added tokens start at {@code baseVocab}. */
    public record Layout(int baseVocab) {
        public int id(String addedToken) {
            for (int i = 0; i < ADDED_TOKENS.size(); i++) {
                if (ADDED_TOKENS.get(i).getKey().equals(addedToken)) return baseVocab + i;
            }
            throw new IllegalArgumentException("not an added token: " + addedToken);
        }

        /** 1 + the highest token id. */
        public int vocabSize() {
            return baseVocab + ADDED_TOKENS.size();
        }
    }

    /**
     * @param words      text pieces (as the pre-tokenizer emits them, e.g. {@code " English"}) that get merges
     * @param baseVocab  total base entries to reach with filler, or 0 for none
     */
    public static Layout write(Path dir, List<String> words, int baseVocab) throws IOException {
        String[] byteSymbol = byteSymbols();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b : byteOrder()) vocab.put(byteSymbol[b], vocab.size());
        LinkedHashSet<String> merges = new LinkedHashSet<>();
        for (String word : words) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            String left = byteSymbol[bytes[0] & 0xFF];
            for (int i = 1; i < bytes.length; i++) {
                String right = byteSymbol[bytes[i] & 0xFF];
                if (merges.add(left + " " + right)) vocab.putIfAbsent(left + right, vocab.size());
                left = left + right;
            }
        }
        for (int i = 0; vocab.size() < baseVocab; i++) vocab.put("\u0100filler" + i, vocab.size());
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode v = json.createObjectNode();
        vocab.forEach(v::put);
        Files.writeString(dir.resolve("vocab.json"), json.writeValueAsString(v));
        try (Writer w = Files.newBufferedWriter(dir.resolve("merges.txt"))) {
            w.write("#version: 0.2\n");
            for (String m : merges) w.write(m + "\n");
        }
        Layout layout = new Layout(vocab.size());
        Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig(json, layout));
        return layout;
    }

    private static String tokenizerConfig(ObjectMapper json, Layout layout) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("add_bos_token", false);
        root.put("add_prefix_space", false);
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        for (int i = 0; i < ADDED_TOKENS.size(); i++) {
            ObjectNode t = decoder.putObject(Integer.toString(layout.baseVocab() + i));
            t.put("content", ADDED_TOKENS.get(i).getKey());
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", ADDED_TOKENS.get(i).getValue());
        }
        root.putNull("bos_token");
        root.put("clean_up_tokenization_spaces", false);
        root.put("eos_token", "<|im_end|>");
        root.put("errors", "replace");
        root.putObject("extra_special_tokens")
                .put("audio_bos_token", "<|audio_start|>")
                .put("audio_eos_token", "<|audio_end|>")
                .put("audio_token", "<|audio_pad|>");
        root.put("model_max_length", 131072);
        root.put("pad_token", "<|endoftext|>");
        root.put("split_special_tokens", false);
        root.put("tokenizer_class", "Qwen2Tokenizer");
        root.putNull("unk_token");
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static List<Map.Entry<String, Boolean>> addedTokens() {
        List<Map.Entry<String, Boolean>> t = new ArrayList<>();
        for (String s : List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>",
                "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>",
                "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>")) {
            t.add(Map.entry(s, true));
        }
        for (String s : List.of("<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
                "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>",
                "</think>")) {
            t.add(Map.entry(s, false));
        }
        for (String s : List.of("<|audio_start|>", "<|audio_end|>", "<tts_pad>", "<tts_text_bos>", "<tts_text_eod>",
                "<tts_text_bos_single>")) {
            t.add(Map.entry(s, true));
        }
        t.add(Map.entry("<non_speech>", false));
        t.add(Map.entry("<|audio_pad|>", true));
        for (int i = 1; i <= 27; i++) t.add(Map.entry("<blank" + i + ">", true));
        t.add(Map.entry("<asr_text>", false));
        return List.copyOf(t);
    }

    /** GPT-2's byte order: printable Latin-1 bytes first, then the rest (ids 0..255 of real vocabularies). */
    private static int[] byteOrder() {
        int[] order = new int[256];
        int n = 0;
        for (int b = 0; b < 256; b++) if (printable(b)) order[n++] = b;
        for (int b = 0; b < 256; b++) if (!printable(b)) order[n++] = b;
        return order;
    }

    /** GPT-2's byte → unicode symbol map. */
    private static String[] byteSymbols() {
        String[] sym = new String[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            sym[b] = printable(b) ? String.valueOf((char) b) : String.valueOf((char) (256 + extra++));
        }
        return sym;
    }

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
