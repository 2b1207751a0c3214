package ai.ominix.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tiny tokenizers model engineers build checkpoints with: real formats, realistic encodings. */
class TinyTokenizerFilesTest {
    @TempDir
    Path dir;

    private static final String[] TEXTS = {
        "Hello world, this is a test.", "  two  spaces\tand a tab\n", "我爱自然语言处理。", "Привет, мир!",
        "emoji 👨‍👩‍👧 and e\u0301", "x = 42; // code", "", " ", "\r\n\r\n",
    };

    @Test
    void qwen3AsrFilesLoadThroughTheVocabMergesPath() {
        TinyTokenizerFiles.Written w = TinyTokenizerFiles.writeQwen3Asr(dir);
        assertTrue(Files.exists(dir.resolve("vocab.json")) && Files.exists(dir.resolve("merges.txt")));
        assertFalse(Files.exists(dir.resolve("tokenizer.json")));
        Tokenizer t = Tokenizers.load(dir);
        assertInstanceOf(ByteLevelBpeTokenizer.class, t);
        assertEquals(w.vocabSize(), t.vocabSize());
        assertTrue(w.vocabSize() > 256 + 200 + 62, "learned merges: " + (w.vocabSize() - 256 - 62));
        for (TinyTokenizerFiles.Added a : TinyTokenizerFiles.QWEN3_ASR_ADDED) {
            assertEquals(w.id(a.content()), t.tokenId(a.content()));
            assertEquals(a.special(), t.isSpecial(w.id(a.content())), a.content());
        }
        assertEquals(w.id("<|im_end|>"), t.eosId().orElseThrow());
        assertEquals(w.id("<|endoftext|>"), t.padId().orElseThrow());
        int[] prompt = t.encode("<|im_start|>assistant\nlanguage English<asr_text>");
        assertEquals(w.id("<|im_start|>"), prompt[0]);
        assertEquals(w.id("<asr_text>"), prompt[prompt.length - 1]);
        // learned merges: common words are one or two tokens, text averages several bytes per token
        assertEquals(1, t.encode(" English").length);
        assertTrue(t.encode("assistant").length <= 2);
        String corpus = TinyTokenizerFiles.CORPUS;
        assertTrue(t.encode(corpus).length * 5 < corpus.length() * 2, "tokens " + t.encode(corpus).length);
        for (String s : TEXTS) {
            assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), t.decode(t.encode(s), false), s);
        }
    }

    @Test
    void qwen3AsrTokenizerJsonEncodesLikeVocabAndMerges() {
        TinyTokenizerFiles.writeQwen3Asr(dir.resolve("a"), -1, 300, false);
        TinyTokenizerFiles.writeQwen3Asr(dir.resolve("b"), -1, 300, true);
        Tokenizer fromFiles = Tokenizers.load(dir.resolve("a"));
        Tokenizer fromJson = Tokenizers.load(dir.resolve("b"));
        assertInstanceOf(ByteLevelBpeTokenizer.class, fromJson);
        assertEquals(fromFiles.vocabSize(), fromJson.vocabSize());
        for (String s : TEXTS) assertArrayEquals(fromFiles.encode(s), fromJson.encode(s), s);
        String prompt = "<|im_start|>system\n<|im_end|>\n<|im_start|>user\n<|audio_start|><|audio_pad|><|audio_end|>";
        assertArrayEquals(fromFiles.encode(prompt), fromJson.encode(prompt));
        assertArrayEquals(fromFiles.encode(TinyTokenizerFiles.CORPUS), fromJson.encode(TinyTokenizerFiles.CORPUS));
    }

    @Test
    void qwen3AsrAddedTokensAtTheRealIds() {
        TinyTokenizerFiles.Written w = TinyTokenizerFiles.writeQwen3Asr(dir, TinyTokenizerFiles.QWEN3_ASR_FIRST_ADDED_ID, 50);
        Tokenizer t = Tokenizers.load(dir);
        assertEquals(151705, w.vocabSize());
        assertEquals(151705, t.vocabSize());
        assertEquals(151676, t.tokenId("<|audio_pad|>"));
        assertEquals(151704, t.tokenId("<asr_text>"));
        assertEquals("", t.decode(new int[] {100_000}, false)); // unused id between vocabulary and added tokens
    }

    @Test
    void miniCpmFilesLoadAsSentencePieceWithBos() {
        TinyTokenizerFiles.Written w = TinyTokenizerFiles.writeMiniCpm(dir);
        Tokenizer t = Tokenizers.load(dir);
        assertInstanceOf(SentencePieceBpeTokenizer.class, t);
        assertEquals(w.vocabSize(), t.vocabSize());
        assertEquals(1, t.bosId().orElseThrow());
        assertEquals(w.id("<|im_end|>"), t.eosId().orElseThrow());
        assertEquals(0, t.unkId().orElseThrow());
        assertEquals(3 + 0x0A, t.tokenId("<0x0A>"));
        assertEquals(TinyTokenizerFiles.CHATML_TEMPLATE, t.chatTemplate().orElseThrow());
        int[] ids = t.encodeWithSpecial("<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
        assertEquals(1, ids[0]);
        assertEquals(w.id("<|im_start|>"), ids[1]);
        assertArrayEquals(new int[] {t.tokenId("▁"), 3 + 0xE4, 3 + 0xBD, 3 + 0xA0}, t.encode("你"));
        assertTrue(t.encode("assistant").length <= 2);
        String corpus = TinyTokenizerFiles.CORPUS;
        assertTrue(t.encode(corpus).length * 5 < corpus.length() * 2, "tokens " + t.encode(corpus).length);
        for (String s : TEXTS) assertEquals(s, t.decode(t.encode(s), true), s);
    }

    @Test
    void miniCpmAddedTokensAtTheRealIds() {
        TinyTokenizerFiles.Written w = TinyTokenizerFiles.writeMiniCpm(dir, TinyTokenizerFiles.MINICPM_FIRST_ADDED_ID, 100);
        Tokenizer t = Tokenizers.load(dir);
        assertEquals(73448, w.vocabSize());
        assertEquals(73440, t.tokenId("<|im_end|>"));
        assertEquals(73447, t.tokenId("<|fim_suffix|>"));
        assertEquals(73440, t.eosId().orElseThrow());
    }

    @Test
    void byteLevelStreamingOfRandomBytesEqualsLossyDecode() {
        TinyTokenizerFiles.writeQwen3Asr(dir);
        Tokenizer t = Tokenizers.load(dir);
        Random rnd = new Random(11);
        int[] interesting = {0x41, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xA0, 0xED, 0x9F, 0xF0, 0x90, 0xF4, 0x8F, 0xFF, 0xC0};
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + rnd.nextInt(11);
            byte[] bytes = new byte[n];
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                int b = rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : rnd.nextInt(256);
                bytes[i] = (byte) b;
                ids[i] = t.tokenId(String.valueOf(ByteLevel.charOf(b)));
            }
            String whole = t.decode(ids, false);
            assertEquals(Utf8.decodeLossy(bytes, 0, n), whole);
            StreamDecoder d = t.streamDecoder(false);
            StringBuilder sb = new StringBuilder();
            for (int id : ids) sb.append(d.push(id));
            assertEquals(whole, sb.append(d.flush()).toString());
        }
    }
}
