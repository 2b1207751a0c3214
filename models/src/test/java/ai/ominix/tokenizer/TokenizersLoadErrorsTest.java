package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unusable tokenizer files fail with a ModelLoadException that says what is wrong. */
class TokenizersLoadErrorsTest {
    @TempDir
    Path dir;

    private String failure(String tokenizerJson) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson);
        return assertThrows(ModelLoadException.class, () -> Tokenizers.load(dir)).getMessage();
    }

    @Test
    void missingFiles() {
        String msg = assertThrows(ModelLoadException.class, () -> Tokenizers.load(dir)).getMessage();
        assertTrue(msg.contains("no tokenizer"), msg);
    }

    @Test
    void malformedJson() throws IOException {
        assertTrue(failure("{\"model\": {\"vocab\": {\"a\": 0,").contains("tokenizer.json"));
    }

    @Test
    void unsupportedModelsAndComponents() throws IOException {
        assertTrue(failure("{\"model\": {\"type\": \"Unigram\", \"vocab\": {}}}").contains("Unigram"));
        assertTrue(failure("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []},"
                + "\"normalizer\": {\"type\": \"Precompiled\"}}").contains("Precompiled"));
        assertTrue(failure("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]},"
                + "\"decoder\": {\"type\": \"ByteLevel\"}}").contains("not in the vocabulary"));
    }

    @Test
    void byteLevelVocabularyWithoutAllBytes() throws IOException {
        assertTrue(failure("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []},"
                + "\"pre_tokenizer\": {\"type\": \"ByteLevel\"}}").contains("lacks the token for byte"));
    }

    @Test
    void malformedMergesTxt() throws IOException {
        TinyTokenizerFiles.writeQwen3Asr(dir);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t h\n");
        String msg = assertThrows(ModelLoadException.class, () -> Tokenizers.load(dir)).getMessage();
        assertTrue(msg.contains("merges.txt") && msg.contains("malformed merge"), msg);
    }
}
