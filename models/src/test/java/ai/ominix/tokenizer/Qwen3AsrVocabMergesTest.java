package ai.ominix.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The mlx-community Qwen3-ASR layout (no tokenizer.json): vocab.json + merges.txt +
 * tokenizer_config.json with 62 added tokens, derived here from the real Qwen3 tokenizer.json.
 * Must give the reference ids and the prompt ids of qwen3-asr.md §4.
 */
class Qwen3AsrVocabMergesTest {
    @TempDir
    static Path dir;
    static Tokenizer asr;
    static JsonNode realJson;

    @BeforeAll
    static void derive() throws IOException {
        Path real = NpmTokenizerFiles.modelsDir(NpmTokenizerFiles.QWEN3);
        ObjectMapper mapper = new ObjectMapper();
        realJson = mapper.readTree(real.resolve("tokenizer.json").toFile());
        mapper.writeValue(dir.resolve("vocab.json").toFile(), realJson.at("/model/vocab"));
        try (Writer w = Files.newBufferedWriter(dir.resolve("merges.txt"), StandardCharsets.UTF_8)) {
            w.write("#version: 0.2\n");
            for (JsonNode m : realJson.at("/model/merges")) w.write(m.get(0).asText() + " " + m.get(1).asText() + "\n");
        }
        ObjectNode config = (ObjectNode) mapper.readTree(real.resolve("tokenizer_config.json").toFile());
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        List<TinyTokenizerFiles.Added> added = TinyTokenizerFiles.QWEN3_ASR_ADDED;
        for (int i = 0; i < added.size(); i++) {
            decoder.putObject(Integer.toString(151643 + i)).put("content", added.get(i).content())
                    .put("special", added.get(i).special()).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("single_word", false);
        }
        mapper.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        asr = Tokenizers.load(dir);
    }

    @Test
    void loadsAsByteLevelWith62AddedTokens() {
        assertInstanceOf(ByteLevelBpeTokenizer.class, asr);
        assertEquals(62, TinyTokenizerFiles.QWEN3_ASR_ADDED.size());
        assertEquals(151705, asr.vocabSize());
        assertEquals(151676, asr.tokenId("<|audio_pad|>"));
        assertEquals(151704, asr.tokenId("<asr_text>"));
        assertEquals(151703, asr.tokenId("<blank27>"));
        assertEquals(151645, asr.eosId().orElseThrow());
        assertEquals(151643, asr.padId().orElseThrow());
    }

    @Test
    void addedTokenTableAgreesWithTheRealQwen3Tokenizer() {
        JsonNode realAdded = realJson.get("added_tokens");
        assertEquals(26, realAdded.size());
        for (int i = 0; i < realAdded.size(); i++) {
            JsonNode t = realAdded.get(i);
            assertEquals(151643 + i, t.get("id").asInt());
            assertEquals(t.get("content").asText(), TinyTokenizerFiles.QWEN3_ASR_ADDED.get(i).content());
            assertEquals(t.get("special").asBoolean(), TinyTokenizerFiles.QWEN3_ASR_ADDED.get(i).special(), t.toString());
        }
    }

    @Test
    void encodesLikeTheReferenceTokenizerJson() {
        List<String> asrOnly = TinyTokenizerFiles.QWEN3_ASR_ADDED.subList(26, 62).stream()
                .map(TinyTokenizerFiles.Added::content).toList();
        int compared = 0;
        for (Golden.Case c : Golden.read("qwen3.golden.json").cases()) {
            if (asrOnly.stream().anyMatch(c.text()::contains)) continue; // plain text for Qwen3, a token for Qwen3-ASR
            assertArrayEquals(c.ids(), asr.encode(c.text()), c.text());
            assertEquals(c.decodedSkip(), asr.decode(c.ids(), true), c.text());
            compared++;
        }
        assertEquals(true, compared > 300, "compared " + compared);
    }

    @Test
    void promptOfTheSpecEncodesToItsIds() {
        int n = 5;
        String prompt = "<|im_start|>system\n<|im_end|>\n<|im_start|>user\n<|audio_start|>" + "<|audio_pad|>".repeat(n)
                + "<|audio_end|><|im_end|>\n<|im_start|>assistant\nlanguage English<asr_text>";
        List<Integer> expected = new ArrayList<>(List.of(151644, 8948, 198, 151645, 198, 151644, 872, 198, 151669));
        IntStream.range(0, n).forEach(i -> expected.add(151676));
        expected.addAll(List.of(151670, 151645, 198, 151644, 77091, 198, 11528, 6364, 151704));
        assertEquals(expected, Arrays.stream(asr.encode(prompt)).boxed().toList());
    }

    @Test
    void asrOutputDecodesKeepingTheNonSpecialAsrTextTag() {
        int[] ids = asr.encode("language English<asr_text>Hello world.<|im_end|>");
        assertEquals(151645, ids[ids.length - 1]);
        assertEquals("language English<asr_text>Hello world.", asr.decode(ids, true));
        assertEquals("language English<asr_text>Hello world.<|im_end|>", asr.decode(ids, false));
    }
}
