package ai.ominix.models.qwen3asr;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.weights.JsonFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * The parts of a Qwen3-ASR {@code config.json} the model needs (qwen3-asr.md §§3, 5, 8.2), read
 * from the nested layout ({@code thinker_config.{audio,text}_config}, as Hugging Face and
 * mlx-community write it) or a flat one ({@code audio_config}/{@code text_config} at top level).
 * Dimensions are required; defaults exist only for values real configs may leave out, and they
 * are the values every released checkpoint uses.
 */
public record Qwen3AsrConfig(Audio audio, Text text, int audioTokenId, int audioStartTokenId, int audioEndTokenId) {

    /** {@code audio_config}: the AuT encoder. */
    public record Audio(int numMelBins, int dModel, int layers, int heads, int ffnDim, int convChannels,
                        int outputDim, int nWindow, int nWindowInfer) {
        public Audio {
            require(dModel % heads == 0, "audio d_model " + dModel + " is not a multiple of heads " + heads);
            require(dModel % 2 == 0, "audio d_model must be even for the sinusoidal positions");
            require(nWindow > 0 && nWindowInfer >= 2 * nWindow, "n_window_infer must be >= 2 * n_window");
        }

        /** Mel frames per encoder chunk (upstream {@code n_window * 2} = 100). */
        public int chunkFrames() {
            return 2 * nWindow;
        }

        public int headDim() {
            return dModel / heads;
        }

        /** Frequency rows left after the three stride-2 convolutions (128 → 16). */
        public int convFreqBins() {
            return convolved(numMelBins);
        }

        /** Encoder tokens of one full chunk (100 frames → 13). */
        public int chunkTokens() {
            return convolved(chunkFrames());
        }
    }

    /** {@code text_config}: the Qwen3 decoder. */
    public record Text(int vocabSize, int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim,
                       float rmsNormEps, float ropeTheta, boolean tieWordEmbeddings, int maxPositions) {
        public Text {
            require(heads % kvHeads == 0, "num_attention_heads " + heads + " is not a multiple of kv heads " + kvHeads);
            require(headDim % 2 == 0, "head_dim must be even for RoPE");
        }
    }

    /** Output length of one kernel-3, stride-2, padding-1 convolution. */
    public static int convLength(int n) {
        return Math.floorDiv(n - 1, 2) + 1;
    }

    /** Length left of {@code n} after the encoder's three such convolutions. */
    public static int convolved(int n) {
        return convLength(convLength(convLength(n)));
    }

    /**
     * Audio tokens the encoder produces for {@code frames} mel frames: 13 per full chunk plus the
     * convolved length of the remainder (upstream {@code _get_feat_extract_output_lengths}, floor division).
     */
    public int audioTokens(int frames) {
        int chunk = audio.chunkFrames();
        int rest = frames % chunk;
        return audio.chunkTokens() * (frames / chunk) + (rest == 0 ? 0 : convolved(rest));
    }

    public static Qwen3AsrConfig load(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        JsonNode root = JsonFile.read(file);
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("invalid " + file + ": " + e.getMessage(), e);
        }
    }

    public static Qwen3AsrConfig parse(JsonNode root) {
        JsonNode thinker = root.has("thinker_config") ? root.get("thinker_config") : root;
        JsonNode a = child(thinker, "audio_config");
        JsonNode t = child(thinker, "text_config");
        String act = a.path("activation_function").asText("gelu");
        require(act.equals("gelu"), "unsupported audio activation_function: " + act);
        String hiddenAct = t.path("hidden_act").asText("silu");
        require(hiddenAct.equals("silu"), "unsupported text hidden_act: " + hiddenAct);
        require(!t.path("attention_bias").asBoolean(false), "attention_bias=true is not a Qwen3-ASR decoder");
        Audio audio = new Audio(
                req(a, "num_mel_bins"), req(a, "d_model"), req(a, "encoder_layers"),
                req(a, "encoder_attention_heads"), req(a, "encoder_ffn_dim"), req(a, "downsample_hidden_size"),
                req(a, "output_dim"), a.path("n_window").asInt(50), a.path("n_window_infer").asInt(800));
        int hidden = req(t, "hidden_size");
        int heads = req(t, "num_attention_heads");
        Text text = new Text(
                req(t, "vocab_size"), hidden, req(t, "intermediate_size"), req(t, "num_hidden_layers"), heads,
                t.path("num_key_value_heads").asInt(heads), t.path("head_dim").asInt(hidden / heads),
                (float) t.path("rms_norm_eps").asDouble(1e-6), (float) t.path("rope_theta").asDouble(1_000_000.0),
                t.path("tie_word_embeddings").asBoolean(root.path("tie_word_embeddings").asBoolean(true)),
                t.path("max_position_embeddings").asInt(65536));
        require(audio.outputDim() == text.hidden(),
                "audio output_dim " + audio.outputDim() + " != text hidden_size " + text.hidden());
        return new Qwen3AsrConfig(audio, text,
                thinker.path("audio_token_id").asInt(151676),
                thinker.path("audio_start_token_id").asInt(151669),
                thinker.path("audio_end_token_id").asInt(151670));
    }

    private static JsonNode child(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        require(n != null && n.isObject(), "missing object \"" + key + "\"");
        return n;
    }

    private static int req(JsonNode n, String key) {
        JsonNode v = n.get(key);
        require(v != null && v.canConvertToInt() && v.asInt() > 0, "missing or invalid \"" + key + "\"");
        return v.asInt();
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
