package ai.ominix.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A handcrafted tokenizer.json in the LlamaTokenizerFast legacy layout, small enough that every
 * expected id can be worked out by hand from the rules of minicpm-sala.md §6.
 */
class SentencePieceBpeTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    // ids: <unk> 0, <s> 1, </s> 2, <0x00>..<0xFF> 3..258, then:
    private static final int SP = 259, A = 260, B = 261, C = 262, SP_A = 263, AB = 264, SP_AB = 265, E_ACUTE = 266,
            SP_SP = 267, IM_END = 268, THINK = 269;

    @TempDir
    Path dir;

    private static int bytes(int b) {
        return 3 + b;
    }

    /** The legacy Llama layout; {@code tweak} edits it for variants. */
    private Tokenizer load(Consumer<ObjectNode> tweak) throws IOException {
        ObjectNode tj = JSON.createObjectNode();
        ArrayNode added = tj.putArray("added_tokens");
        added.add(added(0, "<unk>", true)).add(added(1, "<s>", true)).add(added(2, "</s>", true))
                .add(added(IM_END, "<|im_end|>", true)).add(added(THINK, "<think>", false));
        ObjectNode normalizer = tj.putObject("normalizer").put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", "▁");
        ObjectNode replace = norms.addObject().put("type", "Replace").put("content", "▁");
        replace.putObject("pattern").put("String", " ");
        tj.putNull("pre_tokenizer");
        ObjectNode post = tj.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").add(JSON.readTree("{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}}"))
                .add(JSON.readTree("{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}"));
        post.set("special_tokens", JSON.readTree("{\"<s>\":{\"id\":\"<s>\",\"ids\":[1],\"tokens\":[\"<s>\"]}}"));
        tj.set("decoder", JSON.readTree("""
                {"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},
                 {"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}"""));
        ObjectNode model = tj.putObject("model").put("type", "BPE").put("unk_token", "<unk>")
                .put("fuse_unk", true).put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        vocab.put("<unk>", 0).put("<s>", 1).put("</s>", 2);
        for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), bytes(b));
        vocab.put("▁", SP).put("a", A).put("b", B).put("c", C).put("▁a", SP_A).put("ab", AB).put("▁ab", SP_AB)
                .put("é", E_ACUTE).put("▁▁", SP_SP);
        model.putArray("merges").add("▁ a").add("a b").add("▁a b").add("▁ ▁");
        tweak.accept(tj);
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tj);
        return Tokenizers.load(dir);
    }

    private static ObjectNode added(int id, String content, boolean special) {
        return JSON.createObjectNode().put("id", id).put("content", content).put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", special);
    }

    private Tokenizer legacy() throws IOException {
        return load(tj -> { });
    }

    @Test
    void mergesByRankWithSpacesAsMetaspace() throws IOException {
        Tokenizer t = legacy();
        assertArrayEquals(new int[] {SP_AB}, t.encode("ab"));
        assertArrayEquals(new int[] {SP_AB, SP_AB}, t.encode("ab ab"));
        // "▁▁▁a": (▁,a) has the lowest rank, then the leftmost (▁,▁)
        assertArrayEquals(new int[] {SP_SP, SP_A}, t.encode("  a"));
        assertArrayEquals(new int[] {SP, E_ACUTE}, t.encode("é"));
        assertArrayEquals(new int[] {}, t.encode(""));
    }

    @Test
    void unknownCharactersFallBackToUtf8Bytes() throws IOException {
        Tokenizer t = legacy();
        assertArrayEquals(new int[] {SP, bytes(0xE2), bytes(0x82), bytes(0xAC), A}, t.encode("€a"));
        assertArrayEquals(new int[] {SP, bytes(0xF0), bytes(0x9F), bytes(0x98), bytes(0x80)}, t.encode("😀"));
    }

    @Test
    void addedTokensSplitFirstAndEachSegmentGetsLegacyPrefix() throws IOException {
        Tokenizer t = legacy();
        assertArrayEquals(new int[] {1, SP_AB}, t.encode("<s>ab"));
        assertArrayEquals(new int[] {SP_AB, IM_END, SP, C}, t.encode("ab<|im_end|>c"));
        assertArrayEquals(new int[] {THINK, SP, bytes(0x0A), AB}, t.encode("<think>\nab"));
        assertArrayEquals(new int[] {IM_END, IM_END}, t.encode("<|im_end|><|im_end|>"));
        assertArrayEquals(new int[] {1, SP_AB}, t.encodeWithSpecial("ab"));
        int[] ordinary = t.encodeOrdinary("<s>ab");
        assertEquals(SP, ordinary[0]);
        assertEquals("<s>ab", t.decode(ordinary, true));
        assertArrayEquals(new int[] {1, 1, SP_AB}, t.encodeWithSpecial("<s>ab"));
    }

    @Test
    void decodeTurnsMetaspaceIntoSpacesAndStripsOneLeadingSpace() throws IOException {
        Tokenizer t = legacy();
        assertEquals("ab ab", t.decode(new int[] {SP_AB, SP_AB}, false));
        assertEquals(" a", t.decode(new int[] {SP_SP, A}, false));
        assertEquals("<s> ab", t.decode(new int[] {1, SP_AB}, false));
        assertEquals("ab", t.decode(new int[] {1, SP_AB}, true));
        assertEquals("ab<think> c", t.decode(new int[] {SP_AB, THINK, SP, C}, true));
        assertEquals("", t.decode(new int[] {1, 2}, true));
        assertEquals("a", t.decode(new int[] {A, 999_999, -5}, true)); // ids without a token are ignored
    }

    @Test
    void byteRunsDecodeAsUtf8OrOneReplacementPerByte() throws IOException {
        Tokenizer t = legacy();
        assertEquals("€a", t.decode(new int[] {SP, bytes(0xE2), bytes(0x82), bytes(0xAC), A}, false));
        // an unfinished character: one U+FFFD per byte (not per maximal subpart), as Hugging Face does
        assertEquals("a\uFFFD\uFFFDa", t.decode(new int[] {A, bytes(0xE2), bytes(0x82), A}, false));
        // a complete character before it stays (Hugging Face would replace the 'A' too: ByteRun says why)
        assertEquals("A\uFFFD\uFFFD", t.decode(new int[] {bytes(0x41), bytes(0xE2), bytes(0x82)}, false));
        // a lead byte whose next byte does not continue it starts nothing: that next byte is read afresh
        assertEquals("\uFFFDA€", t.decode(new int[] {bytes(0xE2), bytes(0x41), bytes(0xE2), bytes(0x82), bytes(0xAC)}, false));
        assertEquals("\uFFFD\uFFFD\uFFFD", t.decode(new int[] {bytes(0xED), bytes(0xA0), bytes(0x80)}, false)); // a surrogate
        assertEquals("\uFFFD\uFFFD", t.decode(new int[] {bytes(0xC0), bytes(0xAF)}, false)); // overlong
        // skipped special tokens do not end a run; kept ones do
        assertEquals("€", t.decode(new int[] {bytes(0xE2), IM_END, bytes(0x82), bytes(0xAC)}, true));
        assertEquals("\uFFFD<|im_end|>\uFFFD\uFFFD", t.decode(new int[] {bytes(0xE2), IM_END, bytes(0x82), bytes(0xAC)}, false));
    }

    @Test
    void streamDecoderReturnsEachCharacterWithItsLastByte() throws IOException {
        Tokenizer t = legacy();
        StreamDecoder d = t.streamDecoder(true);
        assertEquals("ab", d.push(SP_AB));
        assertEquals(" ", d.push(SP));
        assertEquals("", d.push(bytes(0xE2)));
        assertEquals("", d.push(bytes(0x82)));
        assertEquals("", d.push(IM_END));
        assertEquals("€", d.push(bytes(0xAC)));
        assertEquals("a", d.push(A));
        // 中文 in one run of six byte tokens: each character as soon as its third byte is there
        int[] zhongWen = {0xE4, 0xB8, 0xAD, 0xE6, 0x96, 0x87};
        String[] expected = {"", "", "中", "", "", "文"};
        for (int i = 0; i < zhongWen.length; i++) assertEquals(expected[i], d.push(bytes(zhongWen[i])), "byte " + i);
        assertEquals("😀", d.push(bytes(0xF0)) + d.push(bytes(0x9F)) + d.push(bytes(0x98)) + d.push(bytes(0x80)));
        assertEquals("", d.push(bytes(0xE4)));
        assertEquals("\uFFFDA", d.push(bytes(0x41))); // not a continuation: the lead is void, 'A' is final
        assertEquals("", d.push(bytes(0xC3)));
        assertEquals("\uFFFD", d.flush());
        StreamDecoder first = t.streamDecoder(false);
        assertEquals("", first.push(SP));        // the leading space is stripped once...
        assertEquals(" ab", first.push(SP_AB));  // ...and only once
    }

    @Test
    void leadingSpaceFromAByteTokenIsStrippedOnceInStreamAndDecode() throws IOException {
        Tokenizer t = legacy();
        int[] ids = {bytes(0x20), bytes(0x20), A};
        assertEquals(" a", t.decode(ids, false));
        StreamDecoder d = t.streamDecoder(false);
        assertEquals("", d.push(ids[0]));
        assertEquals(" ", d.push(ids[1]));
        assertEquals("a", d.push(ids[2]));
    }

    /**
     * Random id streams biased to byte tokens at UTF-8 boundaries, with ordinary and special
     * tokens between them: the pieces add up to {@code decode}, and after every push all that is
     * missing from the decode of the ids so far is the unfinished character (at most three bytes,
     * which the decode shows as U+FFFD each).
     */
    @Test
    void streamingIsEagerAndAddsUpToDecode() throws IOException {
        Tokenizer t = legacy();
        int[] interesting = {0x41, 0x20, 0x0A, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1,
                0xE4, 0xB8, 0xAD, 0xED, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF};
        int[] others = {SP, A, B, SP_AB, E_ACUTE, IM_END, THINK, 1, 2};
        java.util.Random r = new java.util.Random(20261125);
        for (int trial = 0; trial < 3000; trial++) {
            boolean skip = r.nextBoolean();
            int[] ids = new int[1 + r.nextInt(14)];
            for (int i = 0; i < ids.length; i++) {
                double x = r.nextDouble();
                ids[i] = x < 0.65 ? bytes(interesting[r.nextInt(interesting.length)])
                        : x < 0.8 ? bytes(r.nextInt(256)) : others[r.nextInt(others.length)];
            }
            StreamDecoder d = t.streamDecoder(skip);
            StringBuilder streamed = new StringBuilder();
            for (int k = 0; k < ids.length; k++) {
                streamed.append(d.push(ids[k]));
                String soFar = t.decode(java.util.Arrays.copyOf(ids, k + 1), skip);
                String where = java.util.Arrays.toString(java.util.Arrays.copyOf(ids, k + 1)) + " skip=" + skip;
                assertEquals(true, soFar.startsWith(streamed.toString()), "streamed text is final: " + where);
                String missing = soFar.substring(streamed.length());
                assertEquals(true, missing.length() <= 3 && missing.chars().allMatch(c -> c == 0xFFFD),
                        "only an unfinished character is held back, got '" + missing + "': " + where);
            }
            assertEquals(t.decode(ids, skip), streamed.append(d.flush()).toString(), java.util.Arrays.toString(ids));
        }
    }

    @Test
    void withoutByteFallbackUnknownCharactersFuseIntoOneUnk() throws IOException {
        Tokenizer t = load(tj -> ((ObjectNode) tj.get("model")).put("byte_fallback", false));
        assertArrayEquals(new int[] {SP, 0, AB}, t.encode("€€ab"));
        assertArrayEquals(new int[] {SP, 0, SP_AB}, t.encode("€ ab"));
    }

    @Test
    void metaspacePreTokenizerWithPrependFirst() throws IOException {
        Tokenizer t = load(tj -> {
            tj.putNull("normalizer");
            tj.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "▁")
                    .put("prepend_scheme", "first").put("split", false);
        });
        assertArrayEquals(new int[] {SP_AB}, t.encode("ab"));
        assertArrayEquals(new int[] {1, AB}, t.encode("<s>ab"));
        assertArrayEquals(new int[] {SP_AB, 1, AB, SP_AB}, t.encode("ab<s>ab ab"));
    }

    @Test
    void addBosFromTokenizerConfigOverridesTheTemplate() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": false, \"add_eos_token\": true, \"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        Tokenizer t = legacy();
        assertArrayEquals(new int[] {SP_AB, 2}, t.encodeWithSpecial("ab"));
        assertEquals(1, t.bosId().orElseThrow());
    }
}
