package ai.ominix.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A real Llama-family SentencePiece BPE tokenizer.json (legacy Prepend/Replace normalizer, byte
 * fallback, {@code add_bos_token}) against transformers.js goldens. No MiniCPM tokenizer is
 * published on npm; MiniCPM's tokenizer.json has the same LlamaTokenizerFast layout.
 */
class RealLlama2TokenizerTest {
    static Tokenizer tok;
    static Golden golden;

    @BeforeAll
    static void load() {
        tok = Tokenizers.load(NpmTokenizerFiles.modelsDir(NpmTokenizerFiles.LLAMA2));
        golden = Golden.read("llama2.golden.json");
    }

    @Test
    void isSentencePieceWithLlamaRoles() {
        assertInstanceOf(SentencePieceBpeTokenizer.class, tok);
        assertEquals(32000, tok.vocabSize());
        assertEquals(1, tok.bosId().orElseThrow());
        assertEquals(2, tok.eosId().orElseThrow());
        assertEquals(0, tok.unkId().orElseThrow());
        assertEquals(13, tok.tokenId("<0x0A>"));
    }

    @Test
    void encodeMatchesReference() {
        List<String> failures = new ArrayList<>();
        for (Golden.Case c : golden.cases()) {
            int[] ids = tok.encode(c.text());
            int[] withBos = tok.encodeWithSpecial(c.text());
            if (!Arrays.equals(c.ids(), ids) || !Arrays.equals(c.idsWithSpecial(), withBos)) {
                failures.add(c.text().replace("\n", "\\n") + "\n  expected " + Arrays.toString(c.idsWithSpecial())
                        + "\n  actual   " + Arrays.toString(withBos));
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + golden.cases().size() + " texts encode differently");
    }

    @Test
    void decodeMatchesReference() {
        for (Golden.Case c : golden.cases()) {
            assertEquals(c.decoded(), tok.decode(c.ids(), false), c.text());
            assertEquals(c.decodedSkip(), tok.decode(c.ids(), true), c.text());
        }
    }

    @Test
    void streamingHoldsByteRunsAndAddsUpToDecode() {
        for (Golden.Case c : golden.cases()) {
            StreamDecoder d = tok.streamDecoder(true);
            StringBuilder sb = new StringBuilder();
            for (int id : c.ids()) {
                String piece = d.push(id);
                assertEquals(-1, piece.indexOf('\uFFFD'), "a valid text streamed a replacement char: " + c.text());
                sb.append(piece);
            }
            assertEquals(c.decodedSkip(), sb.append(d.flush()).toString(), c.text());
        }
    }
}
