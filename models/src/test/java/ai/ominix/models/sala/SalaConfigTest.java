package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parses the released model's config.json (upstream fields + MLX's quantization block, §1). */
class SalaConfigTest {

    private static ObjectNode real() throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(SalaConfigTest.class.getResourceAsStream("real-config.json"));
    }

    @Test
    void parsesTheRealConfig() throws IOException {
        SalaConfig c = SalaConfig.parse(real());
        assertEquals(73448, c.vocabSize());
        assertEquals(4096, c.hiddenSize());
        assertEquals(32, c.numLayers());
        assertEquals(2, c.numKvHeads());
        assertEquals(32, c.lightningKvHeads());
        assertEquals(128, c.sparseHeadDim());
        List<Integer> sparse = new ArrayList<>();
        for (int i = 0; i < 32; i++) if (c.mixers().get(i) == SalaConfig.Mixer.SPARSE) sparse.add(i);
        assertEquals(List.of(0, 9, 16, 17, 22, 29, 30, 31), sparse);
        assertEquals(96, c.sparse().selectedBlocks());
        assertEquals(32, c.sparse().localBlocks());
        assertEquals(8192, c.sparse().denseLen());
        assertEquals(0.24749, c.residualScale(), 1e-5);
        assertEquals(16f, c.logitDivisor());
        assertEquals(1 / Math.sqrt(128), c.lightningScale(), 1e-7);
        assertEquals(Set.of(2, 73440), c.eosTokenIds());
        assertEquals(1, c.bosTokenId());
    }

    @Test
    void writesWhatItParses() throws IOException {
        SalaConfig c = SalaConfig.parse(real());
        assertEquals(c, SalaConfig.parse(c.toJson()));
        SalaConfig tiny = TinySala.config(455, 1, new int[] {2, 447});
        assertEquals(tiny, SalaConfig.parse(tiny.toJson()));
    }

    @Test
    void rejectsWhatItDoesNotImplement() throws IOException {
        ObjectNode c = real();
        c.put("attn_use_rope", true);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SalaConfig.parse(c));
        assertTrue(e.getMessage().contains("attn_use_rope"), e.getMessage());
        ObjectNode wrongType = real();
        wrongType.put("model_type", "llama");
        assertThrows(ModelLoadException.class, () -> SalaConfig.parse(wrongType));
        ObjectNode shortMixers = real();
        shortMixers.withArray("mixer_types").remove(0);
        assertTrue(assertThrows(ModelLoadException.class, () -> SalaConfig.parse(shortMixers)).getMessage().contains("mixer_types"));
    }
}
