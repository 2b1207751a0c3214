package ai.ominix.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        List<String> failures = new ArrayList<>(golden.encodingMismatches(tok::encode, Golden.Case::ids));
        failures.addAll(golden.encodingMismatches(tok::encodeWithSpecial, Golden.Case::idsWithSpecial));
        assertEquals(List.of(), failures, failures.size() + " of " + 2 * golden.cases().size() + " encodings differ");
    }

    @Test
    void decodeMatchesReference() {
        golden.assertDecodes(tok);
    }

    /** Every character is streamed with the token that completes it, byte-fallback runs (CJK, emoji) included. */
    @Test
    void streamingIsEagerAndAddsUpToDecode() {
        int byteRuns = 0;
        for (Golden.Case c : golden.cases()) {
            StreamDecoder d = tok.streamDecoder(true);
            StringBuilder sb = new StringBuilder();
            int[] ids = c.ids();
            for (int k = 0; k < ids.length; k++) {
                String piece = d.push(ids[k]);
                assertEquals(-1, piece.indexOf('\uFFFD'), "a valid text streamed a replacement char: " + c.text());
                sb.append(piece);
                String soFar = tok.decode(Arrays.copyOf(ids, k + 1), true);
                assertTrue(soFar.startsWith(sb.toString()), c.text());
                String missing = soFar.substring(sb.length());
                assertTrue(missing.length() <= 3 && missing.chars().allMatch(ch -> ch == 0xFFFD),
                        "held back more than an unfinished character ('" + missing + "') in " + c.text());
                if (tok.tokenString(ids[k]).startsWith("<0x")) byteRuns++;
            }
            assertEquals(c.decodedSkip(), sb.append(d.flush()).toString(), c.text());
        }
        assertTrue(byteRuns > 100, "the corpus exercises byte fallback: " + byteRuns + " byte tokens");
    }
}
