package ai.ominix.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.Scope;
import ai.ominix.models.qwen3asr.Prompt;
import ai.ominix.models.qwen3asr.Qwen3Asr;
import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import ai.ominix.weights.Checkpoint;
import ai.ominix.weights.SafetensorsHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ominix bench make-weights}: sizes of the real shapes (computed, not written), and tiny
 * shapes written through the same code: byte-identical for a seed, loadable by the real loaders.
 */
class RandomWeightsTest {

    /** Qwen3-ASR's shape rules at toy sizes, with the 62 added tokens placed at 1024 (vocab rows 1152). */
    static final RandomWeights.Asr TINY_ASR = new RandomWeights.Asr("tiny-asr", RealShapes.qwen3Asr(
            new Qwen3AsrConfig.Audio(128, 36, 2, 3, 56, 6, 64, 50, 800),
            new Qwen3AsrConfig.Text(1152, 64, 96, 2, 4, 2, 32, 1e-6f, 1_000_000f, true, 65536), 1024));

    /** MiniCPM-SALA with one sparse and two lightning layers; the chat tokens are the last 8 of 1024 ids. */
    static final RandomWeights.Sala TINY_SALA = new RandomWeights.Sala("tiny-sala", new SalaConfig(1024, 128, 192, 3, 4, 2,
            32, 4, List.of(SalaConfig.Mixer.SPARSE, SalaConfig.Mixer.LIGHTNING, SalaConfig.Mixer.LIGHTNING), 1e-6f, 10000f,
            12f, 1.4f, 256f, (float) (1 / Math.sqrt(32)), new SalaConfig.Sparse(32, 16, 1, 64, 128, 4, 512), false, 4096, 1,
            Set.of(2, 1016)));

    @Test
    void realShapesHaveThePublishedSizes() {
        // mlx-community Qwen3-ASR 8-bit: 1.01 GB and 2.46 GB (qwen3-asr.md §1); MiniCPM-SALA 8-bit ≈ 10.3 GB (§7)
        assertEquals(1.006e9, RandomWeights.weightBytes(RandomWeights.real("qwen3-asr-0.6b"), 8), 0.01e9);
        assertEquals(2.46e9, RandomWeights.weightBytes(RandomWeights.real("qwen3-asr-1.7b"), 8), 0.03e9);
        assertEquals(10.35e9, RandomWeights.weightBytes(RandomWeights.real("minicpm-sala-9b"), 8), 0.05e9);
        long sala4 = RandomWeights.weightBytes(RandomWeights.real("minicpm-sala-9b"), 4);
        // halving the codes of 9.18 B quantized weights saves 4.59 GB; scales, biases and the bf16 embedding stay
        assertEquals(10.35e9 - 9.18e9 / 2, sala4, 0.06e9);
        assertThrows(IllegalArgumentException.class, () -> RandomWeights.real("qwen3-asr-7b"));
        assertThrows(IllegalArgumentException.class, () -> RandomWeights.weightBytes(RandomWeights.real("qwen3-asr-0.6b"), 5));
    }

    @Test
    void realAsrConfigUsesTheReleasedTokenIds() {
        Qwen3AsrConfig c = RealShapes.qwen3Asr06b();
        assertEquals(151676, c.audioTokenId());
        assertEquals(151669, c.audioStartTokenId());
        assertEquals(151670, c.audioEndTokenId());
        assertEquals(151643, RandomWeights.firstAddedId(c));
    }

    @Test
    void asrIsDeterministicPerSeedAndLoads(@TempDir Path dir) throws Exception {
        RandomWeights.write(TINY_ASR, 8, 7, dir.resolve("a"), false);
        RandomWeights.write(TINY_ASR, 8, 7, dir.resolve("b"), false);
        RandomWeights.write(TINY_ASR, 8, 8, dir.resolve("c"), false);
        assertSameFiles(dir.resolve("a"), dir.resolve("b"));
        assertFalse(bytesEqual(dir.resolve("a/model.safetensors"), dir.resolve("c/model.safetensors")), "another seed, other weights");
        assertEquals(Set.of("config.json", "generation_config.json", "merges.txt", "model.safetensors",
                "preprocessor_config.json", "tokenizer_config.json", "vocab.json"), names(dir.resolve("a")));
        Path a = dir.resolve("a");
        long stored = ModelFacts.tensorBytes(a, n -> true);
        assertEquals(RandomWeights.weightBytes(TINY_ASR, 8), stored, "the disk check counts exactly what is written");
        assertEquals(8, ModelFacts.read(a).bits());
        Tokenizer tok = Tokenizers.load(a);
        assertEquals(TINY_ASR.config().audioTokenId(), tok.tokenId("<|audio_pad|>"));
        assertEquals(1024, tok.tokenId("<|endoftext|>"));
        try (Backend b = Backends.open("cpu", 1); Qwen3Asr asr = Qwen3Asr.load(a, b, Qwen3Asr.Settings.defaults());
             Scope s = Scope.open()) {
            var audio = asr.encode(asr.features(BenchAudio.synthetic(1.5).samples()), Cancellation.none());
            Prompt prompt = asr.prompt(audio.dim(0), null, null);
            assertEquals(5, asr.generateFixed(audio, prompt, 5, Cancellation.none()).tokens().length);
        }
    }

    @Test
    void salaIsDeterministicPerSeedAndChats(@TempDir Path dir) throws Exception {
        RandomWeights.write(TINY_SALA, 4, 3, dir.resolve("a"), false);
        RandomWeights.write(TINY_SALA, 4, 3, dir.resolve("b"), false);
        assertSameFiles(dir.resolve("a"), dir.resolve("b"));
        Path a = dir.resolve("a");
        assertEquals(Set.of("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json"), names(a));
        assertEquals(RandomWeights.weightBytes(TINY_SALA, 4), ModelFacts.tensorBytes(a, n -> true));
        SafetensorsHeader h = SafetensorsHeader.read(Checkpoint.discover(a).files().getFirst());
        assertEquals("U32", h.entries().get("lm_head.weight").dtype());
        assertArrayEquals(new long[] {1024, 128 * 4 / 32}, h.entries().get("lm_head.weight").shape());
        assertEquals("BF16", h.entries().get("model.embed_tokens.weight").dtype());
        assertEquals("mlx", h.metadata().get("format"));
        try (Backend b = Backends.open("cpu", 1); SalaChatEngine engine = SalaChatEngine.load(a, b)) {
            ChatEngine.Result r = engine.generate(new ChatEngine.Request(List.of(new ChatEngine.Message("user", "Hello")),
                    0, 1, 3, List.of(), null, false), Cancellation.none(), null);
            assertTrue(r.promptTokens() > 3 && r.completionTokens() >= 1, r.toString());
        }
    }

    @Test
    void refusesToMixIntoAnotherDirectory(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> RandomWeights.write(TINY_SALA, 8, 0, out, false));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        RandomWeights.write(TINY_SALA, 8, 0, out, true);
        assertTrue(Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("notes.txt")));
    }

    @Test
    void diskCheckFailsBeforeWritingWithTheSizes(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> DiskSpace.check(dir, 10_350_000_000L, 4_000_000_000L));
        assertTrue(e.getMessage().contains("10.42 GB") && e.getMessage().contains("4.00 GB free"), e.getMessage());
        assertThrows(IOException.class, () -> DiskSpace.require(dir.resolve("x/y"), Long.MAX_VALUE / 2),
                "an absent directory is checked on its nearest existing parent");
    }

    private static void assertSameFiles(Path a, Path b) throws IOException {
        assertEquals(names(a), names(b));
        for (String n : names(a)) assertTrue(bytesEqual(a.resolve(n), b.resolve(n)), n + " differs");
    }

    private static boolean bytesEqual(Path a, Path b) throws IOException {
        return Files.mismatch(a, b) == -1;
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new java.util.TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
