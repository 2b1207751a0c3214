package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * SentencePiece-style BPE as Hugging Face exports it for Llama-family models (MiniCPM,
 * minicpm-sala.md §6): each text segment between added tokens is normalised ({@code ▁} prepended,
 * spaces → {@code ▁}; or the Metaspace pre-tokenizer), split into characters, characters missing
 * from the vocabulary become byte-fallback tokens {@code <0xNN>} (else {@code <unk>}), then
 * merged by rank. Decoding: {@code ▁} → space, byte tokens decoded as UTF-8 character by character
 * ({@link ByteRun}: one U+FFFD per byte that is not part of a character), one leading space stripped.
 */
public final class SentencePieceBpeTokenizer extends BpeTokenizer {

    /** The U+2581 "lower one eighth block" SentencePiece writes for a space. */
    public static final char SPACE = '\u2581';

    /** The Metaspace pre-tokenizer ({@code prepend_scheme} always/first/never; {@code split} on ▁). */
    record Metaspace(char replacement, String prependScheme, boolean split) {

        static Metaspace fromJson(JsonNode node) {
            if (node == null || node.isNull()) return null;
            String type = node.path("type").asText();
            if (type.equals("Sequence") && node.path("pretokenizers").size() == 1) {
                return fromJson(node.path("pretokenizers").get(0));
            }
            if (!type.equals("Metaspace")) {
                throw new ModelLoadException("unsupported pre-tokenizer '" + type + "' for SentencePiece BPE");
            }
            String rep = node.path("replacement").asText(String.valueOf(SPACE));
            String scheme = prependScheme(node);
            if (!List.of("always", "first", "never").contains(scheme)) {
                throw new ModelLoadException("unknown Metaspace prepend_scheme '" + scheme + "'");
            }
            return new Metaspace(rep.charAt(0), scheme, node.path("split").asBoolean(true));
        }

        /** {@code prepend_scheme}, or what the older {@code add_prefix_space} flag meant. */
        static String prependScheme(JsonNode node) {
            return node.has("prepend_scheme") ? node.get("prepend_scheme").asText()
                    : node.path("add_prefix_space").asBoolean(true) ? "always" : "never";
        }
    }

    /**
     * The decoder chain, reduced to what SentencePiece exports use.
     *
     * @param replacement  character turned back into a space
     * @param byteFallback {@code <0xNN>} tokens are bytes
     * @param stripStart   leading spaces removed from the decoded text (at most)
     */
    record Decoding(char replacement, boolean byteFallback, int stripStart) {

        static Decoding fromJson(JsonNode node, boolean modelByteFallback) {
            if (node == null || node.isNull()) return new Decoding(SPACE, modelByteFallback, 0);
            char[] replacement = {SPACE};
            boolean[] byteFallback = {false};
            int[] strip = {0};
            collect(node, replacement, byteFallback, strip);
            return new Decoding(replacement[0], byteFallback[0], strip[0]);
        }

        private static void collect(JsonNode node, char[] replacement, boolean[] byteFallback, int[] strip) {
            String type = node.path("type").asText();
            switch (type) {
                case "Sequence" -> {
                    for (JsonNode n : node.path("decoders")) collect(n, replacement, byteFallback, strip);
                }
                case "Replace" -> {
                    String from = node.path("pattern").path("String").asText("");
                    if (from.length() != 1 || !node.path("content").asText().equals(" ")) {
                        throw new ModelLoadException("unsupported Replace decoder " + node);
                    }
                    replacement[0] = from.charAt(0);
                }
                case "ByteFallback" -> byteFallback[0] = true;
                case "Fuse" -> { }
                case "Strip" -> {
                    if (!node.path("content").asText(" ").equals(" ") || node.path("stop").asInt(0) != 0) {
                        throw new ModelLoadException("unsupported Strip decoder " + node);
                    }
                    strip[0] = node.path("start").asInt(0);
                }
                case "Metaspace" -> {
                    replacement[0] = node.path("replacement").asText(String.valueOf(SPACE)).charAt(0);
                    strip[0] = Metaspace.prependScheme(node).equals("never") ? 0 : 1;
                }
                default -> throw new ModelLoadException("unsupported decoder '" + type + "' for SentencePiece BPE");
            }
        }
    }

    private final Metaspace metaspace;
    private final Decoding decoding;
    private final boolean byteFallback;
    private final boolean fuseUnk;
    private final int modelUnk;
    private final int[] byteIds = new int[256];
    private final int[] byteOfId;   // id → byte for <0xNN> tokens, -1 otherwise
    private final BpeModel.WordSymbols symbols = this::initialSymbols;

    /**
     * @param modelUnk     the BPE model's {@code unk_token} id, or -1
     * @param byteFallback the model's {@code byte_fallback}
     * @param fuseUnk      consecutive unknown characters become one {@code <unk>}
     */
    SentencePieceBpeTokenizer(BpeModel model, List<AddedToken> added, TextNormalizer normalizer, Specials specials,
                              Metaspace metaspace, Decoding decoding, int modelUnk, boolean byteFallback, boolean fuseUnk) {
        super(model, added, normalizer, specials);
        this.metaspace = metaspace;
        this.decoding = decoding;
        this.modelUnk = modelUnk;
        this.byteFallback = byteFallback;
        this.fuseUnk = fuseUnk;
        byteOfId = new int[Math.max(model.size(), vocabSize())];
        Arrays.fill(byteOfId, -1);
        for (int b = 0; b < 256; b++) {
            byteIds[b] = model.id(byteToken(b));
            if (byteIds[b] >= 0) byteOfId[byteIds[b]] = b;
        }
        for (AddedToken t : added) {
            int b = parseByteToken(t.content());
            if (b >= 0) byteOfId[t.id()] = b;
        }
    }

    /** The vocabulary string of a byte-fallback token, e.g. {@code <0x0A>}. */
    public static String byteToken(int b) {
        return String.format("<0x%02X>", b);
    }

    private static int parseByteToken(String s) {
        if (s.length() != 6 || !s.startsWith("<0x") || s.charAt(5) != '>') return -1;
        int hi = Character.digit(s.charAt(3), 16), lo = Character.digit(s.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    @Override
    void encodeNormalized(String text, boolean atStart, IntArray out) {
        if (metaspace == null) {
            out.addAll(model.encodeWord(text, symbols));
            return;
        }
        String r = String.valueOf(metaspace.replacement());
        String s = text.replace(" ", r);
        boolean prepend = switch (metaspace.prependScheme()) {
            case "always" -> true;
            case "first" -> atStart;
            default -> false;
        };
        if (prepend && !s.startsWith(r)) s = r + s;
        if (!metaspace.split()) {
            out.addAll(model.encodeWord(s, symbols));
            return;
        }
        int start = 0;  // split before each ▁, which stays with the word that follows it
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == metaspace.replacement()) {
                out.addAll(model.encodeWord(s.substring(start, i), symbols));
                start = i;
            }
        }
        if (start < s.length()) out.addAll(model.encodeWord(s.substring(start), symbols));
    }

    private int[] initialSymbols(String word) {
        IntArray ids = new IntArray(word.length());
        boolean lastUnk = false;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            String ch = word.substring(i, i + Character.charCount(cp));
            i += ch.length();
            int id = model.id(ch);
            if (id >= 0) {
                ids.add(id);
                lastUnk = false;
                continue;
            }
            if (byteFallback && addBytes(ch, ids)) {
                lastUnk = false;
                continue;
            }
            if (modelUnk < 0) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(cp).toUpperCase()
                        + " is not in the vocabulary and the tokenizer has no byte fallback or unk token");
            }
            if (!(fuseUnk && lastUnk)) ids.add(modelUnk);
            lastUnk = true;
        }
        return ids.toArray();
    }

    private boolean addBytes(String ch, IntArray ids) {
        byte[] bytes = ch.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) if (byteIds[b & 0xFF] < 0) return false;
        for (byte b : bytes) ids.add(byteIds[b & 0xFF]);
        return true;
    }

    @Override
    public byte[] tokenBytes(int id) {
        if (decoding.byteFallback() && id >= 0 && id < byteOfId.length && byteOfId[id] >= 0) return new byte[] {(byte) byteOfId[id]};
        String token = tokenString(id);
        if (token == null) return null;
        return token.replace(decoding.replacement(), ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public StreamDecoder streamDecoder(boolean skipSpecialTokens) {
        return new StreamDecoder() {
            private final ByteRun run = new ByteRun();
            private int toStrip = decoding.stripStart();

            @Override
            public String push(int id) {
                if (skipSpecialTokens && isSpecial(id)) return ""; // a skipped token does not end a byte run
                if (decoding.byteFallback() && id >= 0 && id < byteOfId.length && byteOfId[id] >= 0) {
                    return strip(run.add(byteOfId[id]));
                }
                String token = tokenString(id);
                if (token == null) return "";
                return strip(run.close() + token.replace(decoding.replacement(), ' '));
            }

            @Override
            public String flush() {
                return strip(run.close());
            }

            private String strip(String text) {
                int i = 0;
                while (toStrip > 0 && i < text.length()) {
                    if (text.charAt(i) == ' ') {
                        i++;
                        toStrip--;
                    } else {
                        toStrip = 0;
                    }
                }
                return text.substring(i);
            }
        };
    }
}
