package ai.ominix.models.qwen3asr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class Qwen3AsrConfigTest {

    private static JsonNode real() throws IOException {
        try (InputStream in = Qwen3AsrConfigTest.class.getResourceAsStream("/qwen3asr/config-0.6b-8bit.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void readsTheNestedMlxCommunityConfig() throws IOException {
        Qwen3AsrConfig c = Qwen3AsrConfig.parse(real());
        assertEquals(new Qwen3AsrConfig.Audio(128, 896, 18, 14, 3584, 480, 1024, 50, 800), c.audio());
        assertEquals(new Qwen3AsrConfig.Text(151936, 1024, 3072, 28, 16, 8, 128, 1e-6f, 1_000_000f, true, 65536), c.text());
        assertEquals(151676, c.audioTokenId());
        assertEquals(151669, c.audioStartTokenId());
        assertEquals(151670, c.audioEndTokenId());
        assertEquals(64, c.audio().headDim());
        assertEquals(16, c.audio().convFreqBins());
    }

    @Test
    void readsTheFlatLayoutToo() throws IOException {
        JsonNode nested = real();
        ObjectNode flat = ((ObjectNode) nested.get("thinker_config")).deepCopy();
        flat.put("model_type", "qwen3_asr");
        assertEquals(Qwen3AsrConfig.parse(nested), Qwen3AsrConfig.parse(flat));
    }

    @Test
    void audioTokenCountsFollowUpstream() throws IOException {
        Qwen3AsrConfig c = Qwen3AsrConfig.parse(real());
        assertEquals(0, c.audioTokens(0));
        assertEquals(7, c.audioTokens(50));
        assertEquals(13, c.audioTokens(100));
        assertEquals(179, c.audioTokens(1378)); // 13.78 s
        assertEquals(13 * 12000, c.audioTokens(1_200_000)); // 20 minutes
    }

    @Test
    void missingOrInconsistentFieldsAreClearErrors() throws IOException {
        ObjectNode broken = real().deepCopy();
        ((ObjectNode) broken.get("thinker_config").get("text_config")).remove("hidden_size");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Qwen3AsrConfig.parse(broken));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());

        ObjectNode mismatch = real().deepCopy();
        ((ObjectNode) mismatch.get("thinker_config").get("audio_config")).put("output_dim", 2048);
        e = assertThrows(IllegalArgumentException.class, () -> Qwen3AsrConfig.parse(mismatch));
        assertTrue(e.getMessage().contains("output_dim"), e.getMessage());
    }
}
