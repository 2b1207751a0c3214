package ai.ominix.bench;

import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ominix bench make-weights}: a checkpoint with random weights at a real model's shape in
 * exactly the published on-disk layout (config.json with the quantization block, safetensors in
 * the MLX affine format, tokenizer files with the special tokens at their real ids), so that the
 * speed benchmarks run anywhere without a download. The bytes depend only on shape, bits and seed.
 */
public final class RandomWeights {

    /** A model shape to write: a Qwen3-ASR or MiniCPM-SALA configuration (a real one by name; tests use tiny ones). */
    public sealed interface Shape {
        String name();
    }

    public record Asr(String name, Qwen3AsrConfig config) implements Shape {}

    public record Sala(String name, SalaConfig config) implements Shape {}

    /** Merges learned by the tiny Qwen3-ASR tokenizer (ids far below the real added tokens). */
    private static final int ASR_TOKENIZER_MERGES = 400;

    private RandomWeights() {}

    /** The shape {@code ominix bench make-weights --model} names: one of {@link RealShapes#NAMES}. */
    public static Shape real(String name) {
        return switch (name) {
            case RealShapes.QWEN3_ASR_0_6B -> new Asr(name, RealShapes.qwen3Asr06b());
            case RealShapes.QWEN3_ASR_1_7B -> new Asr(name, RealShapes.qwen3Asr17b());
            case RealShapes.MINICPM_SALA_9B -> new Sala(name, RealShapes.minicpmSala9b());
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected one of "
                    + String.join(", ", RealShapes.NAMES));
        };
    }

    /** Bytes of tensor data the checkpoint holds. */
    public static long weightBytes(Shape shape, int bits) {
        checkBits(bits);
        return switch (shape) {
            case Asr a -> Qwen3AsrCheckpointWriter.weightBytes(asrSpec(a, bits, 0));
            case Sala s -> RandomSalaCheckpoint.weightBytes(s.config(), bits);
        };
    }

    /**
     * Writes the checkpoint into {@code out}, which must be absent or empty unless {@code overwrite};
     * fails before writing anything when the disk cannot hold it.
     */
    public static void write(Shape shape, int bits, long seed, Path out, boolean overwrite) throws IOException {
        long bytes = weightBytes(shape, bits);
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IOException(out + " exists and is not a directory");
        if (!overwrite && Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(out + " is not empty (use --force to write into it anyway)");
                }
            }
        }
        DiskSpace.require(out, bytes);
        switch (shape) {
            case Asr a -> writeAsr(a, bits, seed, out);
            case Sala s -> RandomSalaCheckpoint.write(out, s.config(), bits, seed);
        }
    }

    private static void writeAsr(Asr a, int bits, long seed, Path out) throws IOException {
        Files.createDirectories(out);
        TinyTokenizerFiles.Written tok = TinyTokenizerFiles.writeQwen3Asr(out, firstAddedId(a.config()), ASR_TOKENIZER_MERGES);
        if (tok.id("<|audio_pad|>") != a.config().audioTokenId()) {
            throw new IllegalStateException("tokenizer and config disagree on <|audio_pad|>");
        }
        Qwen3AsrCheckpointWriter.write(out, asrSpec(a, bits, seed));
        Qwen3AsrCheckpointWriter.writeSideFiles(out, tok.id("<|im_end|>"), tok.id("<|endoftext|>"));
    }

    /** Id of {@code <|endoftext|>}, the first added token, given where the config puts {@code <|audio_start|>}. */
    static int firstAddedId(Qwen3AsrConfig c) {
        List<String> added = TinyTokenizerFiles.QWEN3_ASR_ADDED.stream().map(TinyTokenizerFiles.Added::content).toList();
        return c.audioStartTokenId() - added.indexOf("<|audio_start|>");
    }

    private static Qwen3AsrCheckpointWriter.Spec asrSpec(Asr a, int bits, long seed) {
        return new Qwen3AsrCheckpointWriter.Spec(a.config(), bits, RealShapes.GROUP_SIZE, Map.of(), 1,
                Qwen3AsrCheckpointWriter.Layout.MLX, seed);
    }

    private static void checkBits(int bits) {
        if (bits != 4 && bits != 8) throw new IllegalArgumentException("--bits must be 8 or 4, got " + bits);
    }
}
