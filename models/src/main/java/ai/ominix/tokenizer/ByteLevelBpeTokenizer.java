package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE (GPT-2 family; Qwen2/Qwen3, qwen3-asr.md §8.5): normalise (NFC), split into
 * words with the pre-tokenizer regex, write each word's UTF-8 bytes as byte characters, merge.
 * Decoding maps the characters back to bytes and decodes UTF-8 once, with U+FFFD for malformed
 * sequences ({@code errors="replace"}).
 */
public final class ByteLevelBpeTokenizer extends BpeTokenizer {

    /**
     * The pre-tokenizer: regex splits applied in order (matches and the gaps between them are
     * all kept, {@code behavior: Isolated}); {@code addPrefixSpace} puts a space before each word
     * that lacks one (ByteLevel's {@code add_prefix_space}).
     */
    record PreTokenizer(List<Pattern> splits, boolean addPrefixSpace) {

        /** Qwen2/Qwen3's: one split with the §8.5 regex. */
        static PreTokenizer qwen2() {
            return new PreTokenizer(List.of(TokenizerPatterns.compile(TokenizerPatterns.QWEN2)), false);
        }

        /** GPT-2's: ByteLevel with its built-in regex. */
        static PreTokenizer gpt2() {
            return new PreTokenizer(List.of(TokenizerPatterns.compile(TokenizerPatterns.GPT2)), false);
        }

        /** The {@code pre_tokenizer} section of a tokenizer.json: Split, ByteLevel, or a Sequence of them. */
        static PreTokenizer fromJson(JsonNode node) {
            List<Pattern> splits = new ArrayList<>();
            boolean[] prefix = {false};
            collect(node, splits, prefix);
            return new PreTokenizer(List.copyOf(splits), prefix[0]);
        }

        private static void collect(JsonNode node, List<Pattern> splits, boolean[] prefix) {
            if (node == null || node.isNull()) return;
            String type = node.path("type").asText();
            switch (type) {
                case "Sequence" -> {
                    for (JsonNode n : node.path("pretokenizers")) collect(n, splits, prefix);
                }
                case "Split" -> {
                    String behavior = node.path("behavior").asText("Isolated");
                    if (!behavior.equals("Isolated") || node.path("invert").asBoolean(false)) {
                        throw new ModelLoadException("unsupported Split pre-tokenizer behavior " + behavior
                                + (node.path("invert").asBoolean(false) ? " (inverted)" : ""));
                    }
                    JsonNode pattern = node.path("pattern");
                    if (pattern.has("Regex")) splits.add(TokenizerPatterns.compile(pattern.get("Regex").asText()));
                    else if (pattern.has("String")) splits.add(Pattern.compile(Pattern.quote(pattern.get("String").asText())));
                    else throw new ModelLoadException("Split pre-tokenizer without pattern: " + node);
                }
                case "ByteLevel" -> {
                    if (!splits.isEmpty() && node.path("add_prefix_space").asBoolean(false)) {
                        throw new ModelLoadException("ByteLevel add_prefix_space after a Split is not supported");
                    }
                    prefix[0] = node.path("add_prefix_space").asBoolean(false);
                    if (node.path("use_regex").asBoolean(true)) splits.add(TokenizerPatterns.compile(TokenizerPatterns.GPT2));
                }
                default -> throw new ModelLoadException("unsupported pre-tokenizer '" + type + "' for byte-level BPE");
            }
        }
    }

    private final PreTokenizer preTokenizer;
    private final int[] byteIds = new int[256];
    private final BpeModel.WordSymbols symbols = new BpeModel.WordSymbols() {
        @Override
        public int[] initial(String word) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) ids[i] = byteIds[bytes[i] & 0xFF];
            return ids;
        }

        @Override
        public String vocabForm(String word) {
            return ByteLevel.encode(word.getBytes(StandardCharsets.UTF_8));
        }
    };

    ByteLevelBpeTokenizer(BpeModel model, List<AddedToken> added, TextNormalizer normalizer, Specials specials,
                          PreTokenizer preTokenizer) {
        super(model, added, normalizer, specials);
        this.preTokenizer = preTokenizer;
        for (int b = 0; b < 256; b++) {
            byteIds[b] = model.id(String.valueOf(ByteLevel.charOf(b)));
            if (byteIds[b] < 0) {
                throw new ModelLoadException(String.format("byte-level vocabulary lacks the token for byte 0x%02X ('%c')",
                        b, ByteLevel.charOf(b)));
            }
        }
    }

    @Override
    void encodeNormalized(String text, boolean atStart, IntArray out) {
        if (preTokenizer.addPrefixSpace() && !text.startsWith(" ")) text = " " + text;
        List<Pattern> splits = preTokenizer.splits();
        if (splits.size() == 1) {
            splitInto(splits.getFirst(), text, w -> out.addAll(model.encodeWord(w, symbols)));
            return;
        }
        List<String> words = List.of(text);
        for (Pattern p : splits) {
            List<String> next = new ArrayList<>();
            for (String w : words) splitInto(p, w, next::add);
            words = next;
        }
        for (String w : words) out.addAll(model.encodeWord(w, symbols));
    }

    /** Isolated split: every match and every non-empty gap between matches is a word. */
    private static void splitInto(Pattern pattern, String text, java.util.function.Consumer<String> sink) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) sink.accept(text.substring(last, m.start()));
            if (m.end() > m.start()) sink.accept(text.substring(m.start(), m.end()));
            last = m.end();
        }
        if (last < text.length()) sink.accept(text.substring(last));
    }

    /** An added token's UTF-8 text, else the token's byte characters mapped back. */
    @Override
    public byte[] tokenBytes(int id) {
        AddedToken added = addedToken(id);
        if (added != null) return added.content().getBytes(StandardCharsets.UTF_8);
        String token = model.token(id);
        if (token == null) return null;
        byte[] bytes = ByteLevel.decode(token);
        return bytes != null ? bytes : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public StreamDecoder streamDecoder(boolean skipSpecialTokens) {
        return new StreamDecoder() {
            private byte[] pending = new byte[16];
            private int n;

            @Override
            public String push(int id) {
                if (skipSpecialTokens && isSpecial(id)) return "";
                byte[] bytes = tokenBytes(id);
                if (bytes == null || bytes.length == 0) return "";
                if (n + bytes.length > pending.length) pending = Arrays.copyOf(pending, Math.max(2 * pending.length, n + bytes.length));
                System.arraycopy(bytes, 0, pending, n, bytes.length);
                n += bytes.length;
                int cut = Utf8.decodablePrefix(pending, n);
                if (cut == 0) return "";
                String text = Utf8.decodeLossy(pending, 0, cut);
                System.arraycopy(pending, cut, pending, 0, n - cut);
                n -= cut;
                return text;
            }

            @Override
            public String flush() {
                String text = Utf8.decodeLossy(pending, 0, n);
                n = 0;
                return text;
            }
        };
    }
}
