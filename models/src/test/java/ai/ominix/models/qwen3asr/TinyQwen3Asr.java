package ai.ominix.models.qwen3asr;

import ai.ominix.bench.Qwen3AsrCheckpointWriter;
import ai.ominix.bench.Qwen3AsrCheckpointWriter.Layout;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tiny random-weight Qwen3-ASR checkpoints in exactly the mlx-community layout (config.json with
 * nested thinker_config and quantization blocks, BF16 audio tower with channels-last convs,
 * MLX-affine decoder incl. embed_tokens, vocab.json + merges.txt + tokenizer_config.json with the
 * 62 added tokens), deterministic by seed. Dimensions are small but shaped like the real ones:
 * head_dim × heads ≠ hidden (as in 0.6B), GQA 2:1, audio dims that are not multiples of anything.
 * All variants share one seed, so they hold the same audio tower and the same underlying decoder
 * values (the quantized ones round them differently).
 */
public final class TinyQwen3Asr {

    public enum Variant {
        /** 8-bit, group 64, with one module overridden to 4 bits (a mixed recipe). */
        Q8("q8", 8, Map.of("model.layers.1.mlp.down_proj", 4), 1, Layout.MLX),
        Q4("q4", 4, Map.of(), 1, Layout.MLX),
        BF16("bf16", 0, Map.of(), 1, Layout.MLX),
        /** Q8's tensors split over three shards with an index. */
        Q8_SHARDED("q8-sharded", 8, Map.of("model.layers.1.mlp.down_proj", 4), 3, Layout.MLX),
        /** BF16's values in the original Hugging Face layout. */
        HF("hf", 0, Map.of(), 1, Layout.HF);

        public final String dirName;
        final int bits;
        final Map<String, Integer> overrides;
        final int shards;
        final Layout layout;

        Variant(String dirName, int bits, Map<String, Integer> overrides, int shards, Layout layout) {
            this.dirName = dirName;
            this.bits = bits;
            this.overrides = overrides;
            this.shards = shards;
            this.layout = layout;
        }

        /** The variant whose golden files this one must reproduce. */
        public Variant goldenVariant() {
            return switch (this) {
                case Q8_SHARDED -> Q8;
                case HF -> BF16;
                default -> this;
            };
        }
    }

    public static final long SEED = 20260128L;
    public static final int GROUP_SIZE = 64;

    private TinyQwen3Asr() {}

    /** Writes the variant into {@code dir} (created) and returns it. */
    public static Path write(Path dir, Variant v) {
        try {
            Files.createDirectories(dir);
            TinyTokenizerFiles.Written tok = TinyTokenizerFiles.writeQwen3Asr(dir);
            Qwen3AsrConfig config = config(tok);
            Qwen3AsrCheckpointWriter.write(dir, new Qwen3AsrCheckpointWriter.Spec(
                    config, v.bits, GROUP_SIZE, v.overrides, v.shards, v.layout, SEED));
            Qwen3AsrCheckpointWriter.writeSideFiles(dir, tok.id("<|im_end|>"), tok.id("<|endoftext|>"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Qwen3AsrConfig config(TinyTokenizerFiles.Written tok) {
        int vocab = (tok.vocabSize() + 63) / 64 * 64 + 64; // padding rows past the tokenizer, as in the real 151936
        return new Qwen3AsrConfig(
                new Qwen3AsrConfig.Audio(128, 36, 2, 3, 56, 6, 64, 50, 800),
                new Qwen3AsrConfig.Text(vocab, 64, 128, 2, 4, 2, 32, 1e-6f, 1_000_000f, true, 65536),
                tok.id("<|audio_pad|>"), tok.id("<|audio_start|>"), tok.id("<|audio_end|>"));
    }

    /** SHA-256 over the directory's files (sorted names, each name and content hash). */
    public static String contentHash(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                all.update((f.getFileName() + "\n" + sha256(Files.readAllBytes(f)) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(all.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
