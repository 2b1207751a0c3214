package ai.ominix.models.sala;

import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.databind.JsonNode;
import ai.ominix.weights.JsonFile;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * MiniCPM-SALA hyper-parameters from {@code config.json} (docs/minicpm-sala.md §1), keys mapped
 * explicitly; defaults are upstream's. Only the variant the released model uses is accepted: RoPE
 * and qk-norm in lightning layers, no RoPE in sparse layers, output norm and gates on.
 *
 * @param headDim          lightning head dim {@code d} (config {@code head_dim})
 * @param lightningKvHeads kv heads of lightning layers ({@code lightning_nkv})
 * @param lightningScale   q scale of the linear recurrence ({@code lightning_scale})
 * @param eosTokenIds      {@code eos_token_id} of config.json (int or list)
 */
public record SalaConfig(int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                         int numHeads, int numKvHeads, int headDim, int lightningKvHeads,
                         List<Mixer> mixers, float rmsNormEps, float ropeTheta, float scaleEmb,
                         float scaleDepth, float dimModelBase, float lightningScale, Sparse sparse,
                         boolean tieWordEmbeddings, int maxPositionEmbeddings, Integer bosTokenId,
                         Set<Integer> eosTokenIds) {

    /** config.json {@code model_type}. */
    public static final String MODEL_TYPE = "minicpm_sala";

    /** The two layer kinds of {@code mixer_types}. */
    public enum Mixer { SPARSE, LIGHTNING }

    /**
     * InfLLM-v2 parameters ({@code sparse_config}, §4.3).
     *
     * @param topk     blocks chosen by score, on top of the local window
     * @param denseLen a forward call whose total length N is below this attends densely
     */
    public record Sparse(int kernelSize, int kernelStride, int initBlocks, int blockSize,
                         int windowSize, int topk, int denseLen) {
        public Sparse {
            if (kernelSize <= 0 || kernelStride <= 0 || blockSize <= 0 || windowSize < 0 || topk < 0
                    || initBlocks < 0 || denseLen < 0) {
                throw new ModelLoadException("sparse_config has a non-positive size: " + this);
            }
            if (blockSize % kernelStride != 0 || windowSize % blockSize != 0) {
                throw new ModelLoadException("sparse_config: block_size must be a multiple of kernel_stride"
                        + " and window_size a multiple of block_size: " + this);
            }
        }

        /** Blocks before the query's own block that are always attended ({@code window_size / block_size}). */
        public int localBlocks() {
            return windowSize / blockSize;
        }

        /** Blocks a query attends in the sparse regime: {@code topk + local_blocks} (HFM {@code self.topk}). */
        public int selectedBlocks() {
            return topk + localBlocks();
        }

        /** Compressed windows per block; block pooling spans {@code windowsPerBlock + 1} windows. */
        public int windowsPerBlock() {
            return blockSize / kernelStride;
        }
    }

    public SalaConfig {
        mixers = List.copyOf(mixers);
        eosTokenIds = Set.copyOf(eosTokenIds);
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numLayers <= 0 || numHeads <= 0
                || numKvHeads <= 0 || headDim <= 0 || lightningKvHeads <= 0) {
            throw new ModelLoadException("config.json: sizes must be positive");
        }
        if (mixers.size() != numLayers) {
            throw new ModelLoadException("config.json: mixer_types has " + mixers.size() + " entries for "
                    + numLayers + " layers");
        }
        if (hiddenSize % numHeads != 0 || numHeads % numKvHeads != 0 || numHeads % lightningKvHeads != 0) {
            throw new ModelLoadException("config.json: hidden_size " + hiddenSize + ", heads " + numHeads
                    + ", kv heads " + numKvHeads + "/" + lightningKvHeads + " do not divide");
        }
        if (headDim % 2 != 0) {
            throw new ModelLoadException("config.json: head_dim must be even for RoPE, got " + headDim);
        }
    }

    /** Residual branch factor {@code scale_depth / sqrt(L)}. */
    public float residualScale() {
        return (float) (scaleDepth / Math.sqrt(numLayers));
    }

    /** The final hidden state is divided by {@code hidden_size / dim_model_base} before the LM head. */
    public float logitDivisor() {
        return hiddenSize / dimModelBase;
    }

    /** Head dim of the sparse layers, {@code hidden_size / num_attention_heads} (HFM {@code MiniCPMAttention}). */
    public int sparseHeadDim() {
        return hiddenSize / numHeads;
    }

    /**
     * This configuration as upstream's config.json (the inverse of {@link #parse}, fixed flags
     * included); checkpoint writers add their {@code quantization} block.
     */
    public ObjectNode toJson() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add("MiniCPMSALAForCausalLM");
        c.put("model_type", MODEL_TYPE);
        c.put("vocab_size", vocabSize);
        c.put("hidden_size", hiddenSize);
        c.put("intermediate_size", intermediateSize);
        c.put("num_hidden_layers", numLayers);
        c.put("num_attention_heads", numHeads);
        c.put("num_key_value_heads", numKvHeads);
        c.put("head_dim", headDim);
        c.put("lightning_nh", numHeads);
        c.put("lightning_nkv", lightningKvHeads);
        c.put("lightning_head_dim", headDim);
        ArrayNode m = c.putArray("mixer_types");
        for (Mixer x : mixers) m.add(x == Mixer.SPARSE ? "minicpm4" : "lightning-attn");
        c.put("rms_norm_eps", rmsNormEps);
        c.put("rope_theta", ropeTheta);
        c.putNull("rope_scaling");
        c.put("lightning_use_rope", true);
        c.put("attn_use_rope", false);
        c.put("qk_norm", true);
        c.put("use_output_norm", true);
        c.put("use_output_gate", true);
        c.put("attn_use_output_gate", true);
        c.put("lightning_scale", Math.abs(lightningScale - 1 / Math.sqrt(headDim)) < 1e-7 ? "1/sqrt(d)"
                : Math.abs(lightningScale - 1.0 / headDim) < 1e-9 ? "1/d" : "1");
        c.put("scale_emb", scaleEmb);
        c.put("scale_depth", scaleDepth);
        c.put("dim_model_base", dimModelBase);
        ObjectNode s = c.putObject("sparse_config");
        s.put("kernel_size", sparse.kernelSize());
        s.put("kernel_stride", sparse.kernelStride());
        s.put("init_blocks", sparse.initBlocks());
        s.put("block_size", sparse.blockSize());
        s.put("window_size", sparse.windowSize());
        s.put("topk", sparse.topk());
        s.put("use_nope", false);
        s.put("dense_len", sparse.denseLen());
        c.put("tie_word_embeddings", tieWordEmbeddings);
        c.put("attention_bias", false);
        c.put("hidden_act", "silu");
        c.put("max_position_embeddings", maxPositionEmbeddings);
        if (bosTokenId != null) c.put("bos_token_id", bosTokenId);
        ArrayNode eos = c.putArray("eos_token_id");
        eosTokenIds.stream().sorted().forEach(eos::add);
        return c;
    }

    public static SalaConfig load(Path modelDir) {
        return parse(JsonFile.read(modelDir.resolve("config.json")));
    }

    public static SalaConfig parse(JsonNode c) {
        String type = c.path("model_type").asText("");
        if (!type.equals(MODEL_TYPE)) {
            throw new ModelLoadException("config.json: model_type is '" + type + "', expected '" + MODEL_TYPE + "'");
        }
        requireFlag(c, "lightning_use_rope", true);
        requireFlag(c, "attn_use_rope", false);
        requireFlag(c, "qk_norm", true);
        requireFlag(c, "use_output_norm", true);
        requireFlag(c, "use_output_gate", true);
        requireFlag(c, "attn_use_output_gate", true);
        requireFlag(c, "attention_bias", false);
        if (c.hasNonNull("rope_scaling")) {
            throw new ModelLoadException("config.json: rope_scaling is not supported: " + c.get("rope_scaling"));
        }
        if (!c.path("hidden_act").asText("silu").equals("silu")) {
            throw new ModelLoadException("config.json: hidden_act must be silu, got " + c.get("hidden_act"));
        }
        int hidden = required(c, "hidden_size");
        int heads = required(c, "num_attention_heads");
        int headDim = c.path("head_dim").asInt(hidden / heads);
        List<Mixer> mixers = new ArrayList<>();
        for (JsonNode m : c.path("mixer_types")) mixers.add(mixer(m.asText()));
        JsonNode s = c.path("sparse_config");
        Sparse sparse = new Sparse(s.path("kernel_size").asInt(32), s.path("kernel_stride").asInt(16),
                s.path("init_blocks").asInt(1), s.path("block_size").asInt(64), s.path("window_size").asInt(2048),
                s.path("topk").asInt(64), s.path("dense_len").asInt(8192));
        if (s.path("use_nope").asBoolean(false)) {
            throw new ModelLoadException("config.json: sparse_config.use_nope=true is not supported");
        }
        return new SalaConfig(required(c, "vocab_size"), hidden, required(c, "intermediate_size"),
                required(c, "num_hidden_layers"), heads, c.path("num_key_value_heads").asInt(heads), headDim,
                c.path("lightning_nkv").asInt(heads), mixers, (float) c.path("rms_norm_eps").asDouble(1e-6),
                (float) c.path("rope_theta").asDouble(10000.0), (float) c.path("scale_emb").asDouble(1),
                (float) c.path("scale_depth").asDouble(1), (float) c.path("dim_model_base").asDouble(hidden),
                lightningScale(c.path("lightning_scale").asText("1/sqrt(d)"), headDim), sparse,
                c.path("tie_word_embeddings").asBoolean(false), c.path("max_position_embeddings").asInt(524288),
                c.hasNonNull("bos_token_id") ? c.get("bos_token_id").asInt() : null, tokenIds(c.path("eos_token_id")));
    }

    /** An {@code eos_token_id} value: absent, one int, or a list. */
    static Set<Integer> tokenIds(JsonNode node) {
        Set<Integer> ids = new LinkedHashSet<>();
        if (node.isArray()) {
            for (JsonNode n : node) ids.add(n.asInt());
        } else if (node.isNumber()) {
            ids.add(node.asInt());
        }
        return ids;
    }

    private static Mixer mixer(String name) {
        return switch (name) {
            case "minicpm4" -> Mixer.SPARSE;
            case "lightning-attn", "lightning", "lightning_attn" -> Mixer.LIGHTNING;
            default -> throw new ModelLoadException("config.json: unknown mixer type '" + name + "'");
        };
    }

    private static float lightningScale(String rule, int headDim) {
        return switch (rule) {
            case "1/sqrt(d)" -> (float) (1 / Math.sqrt(headDim));
            case "1/d" -> 1f / headDim;
            default -> 1f;
        };
    }

    private static int required(JsonNode c, String key) {
        if (!c.path(key).canConvertToInt()) {
            throw new ModelLoadException("config.json: missing or non-integer '" + key + "'");
        }
        return c.get(key).asInt();
    }

    private static void requireFlag(JsonNode c, String key, boolean expected) {
        if (c.has(key) && !c.get(key).isNull() && c.get(key).asBoolean() != expected) {
            throw new ModelLoadException("config.json: " + key + "=" + c.get(key) + " is not supported (MiniCPM-SALA uses "
                    + expected + ")");
        }
    }
}
