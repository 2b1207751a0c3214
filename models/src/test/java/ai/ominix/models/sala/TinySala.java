package ai.ominix.models.sala;

import ai.ominix.kernel.DType;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import ai.ominix.weights.MlxQuantizer;
import ai.ominix.weights.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes tiny MiniCPM-SALA checkpoints in exactly the MLX layout of docs/minicpm-sala.md §7 with
 * the §10 configuration: D=128, I=256, 4 layers {@code [minicpm4, lightning-attn, lightning-attn,
 * minicpm4]}, H=4, G=2, d=32, window 128 / topk 4 / dense_len 512, so that a ~600-token prompt
 * prunes blocks. Weights are random (one seed, the same floats for every format) and scaled so the
 * attention and MLP branches are comparable to the residual stream and the logits are peaked.
 * Used by the model, golden and engine tests and by the server's end-to-end tests.
 */
public final class TinySala {

    /** How the linear weights (and, for one variant, the embedding) are stored. */
    public enum Format {
        /** 8-bit, group 64, bf16 scales/biases; bf16 embedding and norms (as published). */
        Q8(8, false),
        /** 4-bit, group 64. */
        Q4(4, false),
        /** Unquantized bf16 everywhere; config without a quantization block. */
        BF16(0, false),
        /** 8-bit with a quantized {@code embed_tokens} too (what an mlx-lm conversion would write). */
        Q8_QUANTIZED_EMBEDDING(8, true);

        final int bits;
        final boolean quantizedEmbedding;

        Format(int bits, boolean quantizedEmbedding) {
            this.bits = bits;
            this.quantizedEmbedding = quantizedEmbedding;
        }
    }

    public static final int HIDDEN = 128;
    public static final int INTERMEDIATE = 256;
    public static final int HEADS = 4;
    public static final int KV_HEADS = 2;
    public static final int HEAD_DIM = 32;
    public static final List<String> MIXERS = List.of("minicpm4", "lightning-attn", "lightning-attn", "minicpm4");
    public static final int GROUP_SIZE = 64;
    public static final long SEED = 20261125L;
    static final int TOKENIZER_MERGES = 300;
    /**
     * Id of {@code <|im_end|>}: the special tokens sit at a fixed place (as 73440… in the real model),
     * so the weights do not change when the tiny tokenizer learns a slightly different vocabulary.
     */
    static final int FIRST_ADDED_ID = 632;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TinySala() {}

    /** What {@link #write} produced: the model directory and the ids tests need. */
    public record Written(Path dir, int vocabSize, int bos, int imEnd, int imStart) {}

    /** A complete model directory: MiniCPM-style tokenizer files plus {@link #writeModel}. */
    public static Written write(Path dir, Format format, boolean sharded) {
        TinyTokenizerFiles.Written tok = TinyTokenizerFiles.writeMiniCpm(dir, FIRST_ADDED_ID, TOKENIZER_MERGES);
        int imEnd = tok.id("<|im_end|>");
        writeModel(dir, format, sharded, tok.vocabSize(), 1, new int[] {2, imEnd});
        return new Written(dir, tok.vocabSize(), 1, imEnd, tok.id("<|im_start|>"));
    }

    /**
     * Writes config.json, generation_config.json and the weights (one {@code model.safetensors}, or
     * two shards and {@code model.safetensors.index.json}) for a vocabulary of {@code vocabSize}
     * whose EOS ids are {@code eosIds}.
     */
    public static void writeModel(Path dir, Format format, boolean sharded, int vocabSize, int bosId, int[] eosIds) {
        try {
            Files.createDirectories(dir);
            SalaConfig config = config(vocabSize, bosId, eosIds);
            Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config(format, config, eosIds[0])));
            ObjectNode gen = JSON.createObjectNode();
            gen.put("bos_token_id", bosId);
            ArrayNode eos = gen.putArray("eos_token_id");
            for (int e : eosIds) eos.add(e);
            gen.put("pad_token_id", eosIds[0]);
            gen.put("do_sample", true);
            Files.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(gen));
            writeWeights(dir, format, sharded, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The §10 configuration (real values except the sizes and the sparse window, topk, dense_len). */
    public static SalaConfig config(int vocabSize, int bosId, int[] eosIds) {
        List<SalaConfig.Mixer> mixers = MIXERS.stream()
                .map(m -> m.equals("minicpm4") ? SalaConfig.Mixer.SPARSE : SalaConfig.Mixer.LIGHTNING).toList();
        return new SalaConfig(vocabSize, HIDDEN, INTERMEDIATE, MIXERS.size(), HEADS, KV_HEADS, HEAD_DIM, HEADS, mixers,
                1e-6f, 10000f, 12f, 1.4f, 256f, (float) (1 / Math.sqrt(HEAD_DIM)),
                new SalaConfig.Sparse(32, 16, 1, 64, 128, 4, 512), false, 4096, bosId,
                java.util.Arrays.stream(eosIds).boxed().collect(java.util.stream.Collectors.toSet()));
    }

    static ObjectNode config(Format format, SalaConfig config, int padId) {
        ObjectNode c = config.toJson();
        c.put("pad_token_id", padId);
        c.put("torch_dtype", "bfloat16");
        if (format.bits > 0) {
            ObjectNode q = c.putObject("quantization");
            q.put("group_size", GROUP_SIZE);
            q.put("bits", format.bits);
        }
        return c;
    }

    /**
     * Every module of {@link SalaWeights#modules} in order, drawn from one generator so all formats
     * hold the same underlying floats: linears {@code N(0, 1/in)} (the sparse layers' q and k twice
     * that scale), norms near one, the embedding {@code N(0, 1/144)}.
     */
    private static void writeWeights(Path dir, Format format, boolean sharded, SalaConfig config) throws IOException {
        Random rnd = new Random(SEED);
        List<SafetensorsWriter> shards = List.of(new SafetensorsWriter().metadata("format", "mlx"),
                new SafetensorsWriter().metadata("format", "mlx"));
        Map<String, Integer> shardOf = new LinkedHashMap<>();
        int current = 0;
        String secondShard = "model.layers." + config.numLayers() / 2 + ".";
        for (SalaWeights.Module m : SalaWeights.modules(config)) {
            if (sharded && m.name().startsWith(secondShard)) current = 1;
            SafetensorsWriter shard = shards.get(current);
            boolean quantize = switch (m.kind()) {
                case EMBEDDING -> format.quantizedEmbedding;
                case LINEAR -> format.bits > 0;
                case NORM -> false;
            };
            float[] w = switch (m.kind()) {
                case EMBEDDING -> gaussian(rnd, m.out() * m.in(), 1.0 / 12);
                case NORM -> norm(rnd, m.in());
                // logits = 2·h·W_lmᵀ with |h| ≈ √D: std ≈ 11, so the top-1 margin is rarely below 1e-2
                case LINEAR -> gaussian(rnd, m.out() * m.in(), m.name().equals("lm_head") ? 0.5
                        : (m.sparseLayer() && (m.name().endsWith("q_proj") || m.name().endsWith("k_proj")) ? 2 : 1)
                                / Math.sqrt(m.in()));
            };
            if (quantize) {
                MlxQuantizer.quantize(w, m.out(), m.in(), GROUP_SIZE, format.bits, DType.BF16).addTo(shard, m.name());
                for (String suffix : List.of(".weight", ".scales", ".biases")) shardOf.put(m.name() + suffix, current);
            } else if (m.kind() == SalaWeights.Kind.NORM) {
                shard.add(m.name() + ".weight", DType.BF16, w, m.in());
                shardOf.put(m.name() + ".weight", current);
            } else {
                shard.add(m.name() + ".weight", DType.BF16, w, m.out(), m.in());
                shardOf.put(m.name() + ".weight", current);
            }
        }
        if (!sharded) {
            shards.getFirst().write(dir.resolve("model.safetensors"));
            return;
        }
        List<String> names = new ArrayList<>();
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata");
        ObjectNode map = index.putObject("weight_map");
        for (int s = 0; s < 2; s++) {
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, 2);
            shards.get(s).write(dir.resolve(file));
            for (Map.Entry<String, Integer> e : shardOf.entrySet()) if (e.getValue() == s) names.add(e.getKey());
        }
        names.stream().sorted().forEach(n -> map.put(n, String.format("model-%05d-of-%05d.safetensors", shardOf.get(n) + 1, 2)));
        Files.writeString(dir.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
    }

    private static float[] gaussian(Random r, int n, double std) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (r.nextGaussian() * std);
        return w;
    }

    /** Norm weights near one. */
    private static float[] norm(Random r, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (1 + 0.05 * r.nextGaussian());
        return w;
    }
}
