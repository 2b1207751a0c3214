package ai.ominix.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizationConfigTest {

    private static QuantizationConfig.Params p(int group, int bits) {
        return new QuantizationConfig.Params(group, bits, "affine");
    }

    private static Optional<QuantizationConfig> parse(String json) throws IOException {
        return QuantizationConfig.fromConfig(new ObjectMapper().readTree(json));
    }

    @Test
    void readsTheQwen3AsrStyleBlock(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, """
                {"model_type": "qwen3_asr", "thinker_config": {"text_config": {"hidden_size": 1024}},
                 "quantization": {"group_size": 64, "bits": 8, "mode": "affine"},
                 "quantization_config": {"group_size": 64, "bits": 8, "mode": "affine"}}""");
        QuantizationConfig q = QuantizationConfig.read(cfg).orElseThrow();
        assertEquals(p(64, 8), q.defaults());
        assertEquals(Optional.of(p(64, 8)), q.forModule("model.layers.3.mlp.up_proj"));
    }

    @Test
    void perModuleOverridesAndFalseEntries() throws IOException {
        QuantizationConfig q = parse("""
                {"quantization": {"group_size": 64, "bits": 4,
                   "model.layers.0.mlp.down_proj": {"group_size": 32, "bits": 8},
                   "model.layers.1.mlp.down_proj": {"bits": 6},
                   "model.embed_tokens": false,
                   "lm_head": true}}""").orElseThrow();
        assertEquals(Optional.of(p(32, 8)), q.forModule("model.layers.0.mlp.down_proj"));
        assertEquals(Optional.of(p(64, 6)), q.forModule("model.layers.1.mlp.down_proj"), "group size inherited");
        assertEquals(Optional.empty(), q.forModule("model.embed_tokens"));
        assertEquals(Optional.of(p(64, 4)), q.forModule("lm_head"));
        assertEquals(Optional.of(p(64, 4)), q.forModule("model.layers.9.self_attn.q_proj"));
        assertEquals(4, q.bits());
        assertEquals(64, q.groupSize());
    }

    @Test
    void quantizationConfigAloneIsUsedAndAbsenceMeansUnquantized() throws IOException {
        assertEquals(p(128, 2), parse("{\"quantization_config\": {\"group_size\": 128, \"bits\": 2}}").orElseThrow().defaults());
        assertEquals(Optional.empty(), parse("{\"hidden_size\": 8}"));
        assertEquals(Optional.empty(), parse("{\"quantization\": null}"));
    }

    @Test
    void rejectsWhatCannotBeRun() {
        assertRejects("{\"quantization\": {\"group_size\": 32, \"bits\": 4, \"mode\": \"mxfp4\"}}", "unsupported quantization mode");
        assertRejects("{\"quantization\": {\"group_size\": 64, \"bits\": 7}}", "unsupported quantization bits 7");
        assertRejects("{\"quantization\": {\"group_size\": 16, \"bits\": 4}}", "group_size 16");
        assertRejects("{\"quantization\": {\"bits\": 4}}", "lacks bits/group_size");
        assertRejects("{\"quantization\": {\"group_size\": 64, \"bits\": 4, \"m\": 3}}", "must be an object or false");
        assertRejects("{\"quantization\": {\"group_size\": \"64\", \"bits\": 4}}", "not an integer");
        assertRejects("{\"quantization\": 5}", "not an object");
        assertRejects("[]", "not a JSON object");
    }

    private static void assertRejects(String json, String fragment) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> parse(json));
        assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " lacks " + fragment);
    }
}
