package ai.ominix.bench;

import ai.ominix.kernel.DType;
import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import ai.ominix.models.qwen3asr.Qwen3AsrEngine;
import ai.ominix.weights.HalfFloat;
import ai.ominix.weights.MlxQuantizer;
import ai.ominix.weights.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a Qwen3-ASR checkpoint with random weights in exactly the on-disk layout of the
 * mlx-community conversions (qwen3-asr.md §8): {@code config.json} with the nested
 * {@code thinker_config} and the {@code quantization}/{@code quantization_config} blocks, BF16
 * audio tower with channels-last conv weights, decoder linears and {@code embed_tokens}
 * MLX-affine quantized (or BF16), no {@code lm_head}, one file or shards plus
 * {@code model.safetensors.index.json}. The {@link Layout#HF} variant writes the original
 * Hugging Face layout instead ({@code thinker.} prefix, PyTorch conv layout, {@code lm_head}).
 *
 * <p>Values are drawn per tensor from a generator seeded by the tensor name and the spec's seed,
 * uniform with a per-tensor standard deviation that keeps activations O(1) and gives the logits a
 * spread of several units (clear top-1 margins). Tensors are streamed in row blocks, so real
 * sizes (billions of values) never sit in memory at once.
 */
public final class Qwen3AsrCheckpointWriter {

    public enum Layout { MLX, HF }

    /**
     * @param bits          0 for an unquantized (BF16) decoder, else 2..8
     * @param bitsOverrides per-module bits ({@code "model.layers.1.mlp.down_proj" -> 4}), written to config.json
     * @param shards        1 for {@code model.safetensors}, more for an index and shard files
     */
    public record Spec(Qwen3AsrConfig config, int bits, int groupSize, Map<String, Integer> bitsOverrides,
                       int shards, Layout layout, long seed) {
        public Spec {
            bitsOverrides = Map.copyOf(bitsOverrides);
            if (layout == Layout.HF && bits != 0) throw new IllegalArgumentException("the HF layout is unquantized");
        }
    }

    private record Entry(String name, int[] shape, float std, float mean, boolean quantize, boolean torchConv) {}

    private static final int BLOCK_ROWS = 256;
    private static final float RESIDUAL_GAIN = 12f;

    private Qwen3AsrCheckpointWriter() {}

    public static void write(Path dir, Spec spec) throws IOException {
        Files.createDirectories(dir);
        List<Entry> entries = entries(spec);
        List<SafetensorsWriter> files = new ArrayList<>();
        for (int i = 0; i < spec.shards(); i++) files.add(new SafetensorsWriter().metadata("format", "mlx"));
        long total = 0;
        long perShard = 0;
        for (Entry e : entries) perShard += bytes(e, spec);
        perShard = perShard / spec.shards() + 1;
        Map<String, String> weightMap = new LinkedHashMap<>();
        long filled = 0;
        for (Entry e : entries) {
            int shard = (int) Math.min(spec.shards() - 1, filled / perShard);
            String prefix = spec.layout() == Layout.HF ? "thinker." : "";
            add(files.get(shard), prefix, e, spec);
            long b = bytes(e, spec);
            filled += b;
            total += b;
            for (String n : storedNames(e, spec)) weightMap.put(prefix + n, shardName(shard, spec.shards()));
        }
        for (int i = 0; i < files.size(); i++) files.get(i).write(dir.resolve(shardName(i, spec.shards())));
        ObjectMapper json = new ObjectMapper();
        if (spec.shards() > 1) {
            ObjectNode index = json.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode wm = index.putObject("weight_map");
            weightMap.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(x -> wm.put(x.getKey(), x.getValue()));
            Files.writeString(dir.resolve("model.safetensors.index.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(index));
        }
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(configJson(json, spec)));
    }

    /** Bytes of tensor data {@link #write} produces (headers excluded): what a disk-space check needs. */
    public static long weightBytes(Spec spec) {
        long total = 0;
        for (Entry e : entries(spec)) total += bytes(e, spec);
        return total;
    }

    /** {@code generation_config.json} and {@code preprocessor_config.json} as the released checkpoints ship them. */
    public static void writeSideFiles(Path dir, int imEndId, int endOfTextId) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"),
                "{\"do_sample\": false, \"eos_token_id\": [" + imEndId + ", " + endOfTextId + "], \"pad_token_id\": "
                        + endOfTextId + "}\n");
        Files.writeString(dir.resolve("preprocessor_config.json"),
                "{\"chunk_length\": 30, \"feature_extractor_type\": \"WhisperFeatureExtractor\", \"feature_size\": 128,"
                        + " \"hop_length\": 160, \"n_fft\": 400, \"padding_side\": \"right\", \"padding_value\": 0.0,"
                        + " \"processor_class\": \"Qwen3ASRProcessor\", \"return_attention_mask\": true,"
                        + " \"sampling_rate\": 16000}\n");
    }

    private static String shardName(int i, int shards) {
        return shards == 1 ? "model.safetensors" : String.format("model-%05d-of-%05d.safetensors", i + 1, shards);
    }

    private static List<Entry> entries(Spec spec) {
        Qwen3AsrConfig.Audio a = spec.config().audio();
        Qwen3AsrConfig.Text t = spec.config().text();
        boolean torchConv = spec.layout() == Layout.HF;
        List<Entry> e = new ArrayList<>();
        int s = a.convChannels();
        for (int i = 1; i <= 3; i++) {
            int in = i == 1 ? 1 : s;
            int[] shape = torchConv ? new int[] {s, in, 3, 3} : new int[] {s, 3, 3, in};
            e.add(new Entry("audio_tower.conv2d" + i + ".weight", shape, std(9 * in), 0, false, torchConv));
            e.add(new Entry("audio_tower.conv2d" + i + ".bias", new int[] {s}, 0.1f, 0, false, false));
        }
        e.add(dense("audio_tower.conv_out.weight", a.dModel(), s * a.convFreqBins()));
        for (int i = 0; i < a.layers(); i++) {
            String p = "audio_tower.layers." + i + ".";
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                e.add(dense(p + "self_attn." + proj + ".weight", a.dModel(), a.dModel()));
                e.add(bias(p + "self_attn." + proj + ".bias", a.dModel()));
            }
            e.addAll(layerNorm(p + "self_attn_layer_norm", a.dModel()));
            e.add(dense(p + "fc1.weight", a.ffnDim(), a.dModel()));
            e.add(bias(p + "fc1.bias", a.ffnDim()));
            e.add(dense(p + "fc2.weight", a.dModel(), a.ffnDim()));
            e.add(bias(p + "fc2.bias", a.dModel()));
            e.addAll(layerNorm(p + "final_layer_norm", a.dModel()));
        }
        e.addAll(layerNorm("audio_tower.ln_post", a.dModel()));
        e.add(dense("audio_tower.proj1.weight", a.dModel(), a.dModel()));
        e.add(bias("audio_tower.proj1.bias", a.dModel()));
        e.add(dense("audio_tower.proj2.weight", t.hidden(), a.dModel()));
        e.add(bias("audio_tower.proj2.bias", t.hidden()));
        // decoder: unit-variance embeddings make the tied logits spread over several units
        e.add(new Entry("model.embed_tokens.weight", new int[] {t.vocabSize(), t.hidden()}, 1f, 0, true, false));
        int q = t.heads() * t.headDim();
        int kv = t.kvHeads() * t.headDim();
        for (int i = 0; i < t.layers(); i++) {
            String p = "model.layers." + i + ".";
            e.add(norm(p + "input_layernorm.weight", t.hidden()));
            e.add(norm(p + "post_attention_layernorm.weight", t.hidden()));
            e.add(quantizable(p + "self_attn.q_proj.weight", q, t.hidden()));
            e.add(quantizable(p + "self_attn.k_proj.weight", kv, t.hidden()));
            e.add(quantizable(p + "self_attn.v_proj.weight", kv, t.hidden()));
            e.add(residual(p + "self_attn.o_proj.weight", t.hidden(), q));
            e.add(norm(p + "self_attn.q_norm.weight", t.headDim()));
            e.add(norm(p + "self_attn.k_norm.weight", t.headDim()));
            e.add(quantizable(p + "mlp.gate_proj.weight", t.intermediate(), t.hidden()));
            e.add(quantizable(p + "mlp.up_proj.weight", t.intermediate(), t.hidden()));
            e.add(residual(p + "mlp.down_proj.weight", t.hidden(), t.intermediate()));
        }
        e.add(norm("model.norm.weight", t.hidden()));
        if (spec.layout() == Layout.HF) {
            // the original checkpoint stores the tied head as its own tensor
            e.add(new Entry("lm_head.weight", new int[] {t.vocabSize(), t.hidden()}, 1f, 0, false, false));
        }
        return e;
    }

    private static float std(int fanIn) {
        return (float) (1.0 / Math.sqrt(fanIn));
    }

    private static Entry dense(String name, int out, int in) {
        return new Entry(name, new int[] {out, in}, std(in), 0, false, false);
    }

    private static Entry quantizable(String name, int out, int in) {
        return new Entry(name, new int[] {out, in}, std(in), 0, true, false);
    }

    /**
     * The projections that write into the decoder's residual stream: with plain 1/√fan-in they
     * would add little next to the unit-variance token embedding, and greedy decoding of a
     * random model would just repeat its input token; a gain makes every layer matter.
     */
    private static Entry residual(String name, int out, int in) {
        return new Entry(name, new int[] {out, in}, RESIDUAL_GAIN * std(in), 0, true, false);
    }

    private static Entry bias(String name, int n) {
        return new Entry(name, new int[] {n}, 0.1f, 0, false, false);
    }

    private static Entry norm(String name, int n) {
        return new Entry(name, new int[] {n}, 0.1f, 1f, false, false);
    }

    private static List<Entry> layerNorm(String prefix, int n) {
        return List.of(norm(prefix + ".weight", n), bias(prefix + ".bias", n));
    }

    private static String module(Entry e) {
        return e.name().substring(0, e.name().length() - ".weight".length());
    }

    /** Bits for this tensor, 0 when it is stored as BF16 (the MLX predicate: last dim divisible by the group). */
    private static int bitsOf(Entry e, Spec spec) {
        if (!e.quantize() || spec.bits() == 0 || spec.layout() == Layout.HF) return 0;
        if (e.shape()[1] % spec.groupSize() != 0) return 0;
        return spec.bitsOverrides().getOrDefault(module(e), spec.bits());
    }

    private static List<String> storedNames(Entry e, Spec spec) {
        if (bitsOf(e, spec) == 0) return List.of(e.name());
        String m = module(e);
        return List.of(m + ".weight", m + ".scales", m + ".biases");
    }

    private static long bytes(Entry e, Spec spec) {
        long n = 1;
        for (int d : e.shape()) n *= d;
        int bits = bitsOf(e, spec);
        if (bits == 0) return n * 2;
        return n * bits / 8 + 2L * 2 * (n / spec.groupSize());
    }

    private static void add(SafetensorsWriter w, String prefix, Entry e, Spec spec) {
        int bits = bitsOf(e, spec);
        int rows = e.shape()[0];
        int cols = (int) (lengthOf(e.shape()) / rows);
        long[] shape = new long[e.shape().length];
        for (int i = 0; i < shape.length; i++) shape[i] = e.shape()[i];
        if (bits == 0) {
            w.add(prefix + e.name(), "BF16", shape, out -> stream(e, spec, rows, cols, (vals, n) -> {
                ByteBuffer b = ByteBuffer.allocate(vals.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) b.putShort(HalfFloat.floatToBf16(vals[i]));
                out.write(b.array(), 0, n * 2);
            }));
            return;
        }
        String m = prefix + module(e);
        int g = spec.groupSize();
        w.add(m + ".weight", "U32", new long[] {rows, (long) cols * bits / 32},
                out -> quantized(e, spec, rows, cols, bits, out, 0));
        w.add(m + ".scales", "BF16", new long[] {rows, cols / g}, out -> quantized(e, spec, rows, cols, bits, out, 1));
        w.add(m + ".biases", "BF16", new long[] {rows, cols / g}, out -> quantized(e, spec, rows, cols, bits, out, 2));
    }

    private interface BlockSink {
        void accept(float[] values, int count) throws IOException;
    }

    /** Generates the tensor's values block by block (rows), the same sequence on every call. */
    private static void stream(Entry e, Spec spec, int rows, int cols, BlockSink sink) throws IOException {
        // the original layout's lm_head is the tied embedding: same values
        String seedName = e.name().equals("lm_head.weight") ? "model.embed_tokens.weight" : e.name();
        SplittableRandom r = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + seedName.hashCode());
        double half = e.std() * Math.sqrt(3.0);
        float[] block = new float[Math.min(rows, BLOCK_ROWS) * cols];
        float[] ordered = e.torchConv() ? new float[block.length] : null;
        for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
            int n = Math.min(BLOCK_ROWS, rows - r0) * cols;
            for (int i = 0; i < n; i++) block[i] = (float) (e.mean() + (r.nextDouble() * 2 - 1) * half);
            if (ordered == null) {
                sink.accept(block, n);
            } else {
                // same values as the channels-last variant, stored [out, in, kh, kw]
                int in = e.shape()[1];
                for (int row = 0; row < n / cols; row++) {
                    for (int k = 0; k < 9; k++) {
                        for (int c = 0; c < in; c++) ordered[row * cols + c * 9 + k] = block[row * cols + k * in + c];
                    }
                }
                sink.accept(ordered, n);
            }
        }
    }

    private static void quantized(Entry e, Spec spec, int rows, int cols, int bits, OutputStream out, int part)
            throws IOException {
        stream(e, spec, rows, cols, (vals, n) -> {
            int blockRows = n / cols;
            float[] v = n == vals.length ? vals : java.util.Arrays.copyOf(vals, n);
            MlxQuantizer.Quantized q = MlxQuantizer.quantize(v, blockRows, cols, spec.groupSize(), bits, DType.BF16);
            ByteBuffer b;
            if (part == 0) {
                b = ByteBuffer.allocate(q.packed().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asIntBuffer().put(q.packed());
            } else {
                float[] f = part == 1 ? q.scales() : q.biases();
                b = ByteBuffer.allocate(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : f) b.putShort(HalfFloat.floatToBf16(x));
            }
            out.write(b.array());
        });
    }

    private static long lengthOf(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    private static ObjectNode configJson(ObjectMapper json, Spec spec) {
        Qwen3AsrConfig c = spec.config();
        ObjectNode root = json.createObjectNode();
        root.putArray("architectures").add("Qwen3ASRForConditionalGeneration");
        root.put("model_type", Qwen3AsrEngine.MODEL_TYPE);
        if (spec.bits() != 0) {
            for (String key : List.of("quantization", "quantization_config")) {
                ObjectNode q = root.putObject(key);
                q.put("group_size", spec.groupSize());
                q.put("bits", spec.bits());
                q.put("mode", "affine");
                spec.bitsOverrides().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(o ->
                        q.putObject(o.getKey()).put("group_size", spec.groupSize()).put("bits", o.getValue()));
            }
        }
        ArrayNode langs = root.putArray("support_languages");
        ai.ominix.engine.Languages.names().forEach(langs::add);
        ObjectNode thinker = root.putObject("thinker_config");
        thinker.put("audio_end_token_id", c.audioEndTokenId());
        thinker.put("audio_start_token_id", c.audioStartTokenId());
        thinker.put("audio_token_id", c.audioTokenId());
        thinker.put("dtype", "bfloat16");
        thinker.put("initializer_range", 0.02);
        thinker.put("model_type", "qwen3_asr_thinker");
        thinker.put("user_token_id", 872);
        Qwen3AsrConfig.Audio a = c.audio();
        ObjectNode ac = thinker.putObject("audio_config");
        ac.put("activation_dropout", 0).put("activation_function", "gelu").put("attention_dropout", 0)
                .put("conv_chunksize", 500).put("d_model", a.dModel()).put("downsample_hidden_size", a.convChannels())
                .put("dropout", 0).put("encoder_attention_heads", a.heads()).put("encoder_ffn_dim", a.ffnDim())
                .put("encoder_layers", a.layers()).put("initializer_range", 0.02).put("max_source_positions", 1500)
                .put("model_type", "qwen3_asr_audio_encoder").put("n_window", a.nWindow())
                .put("n_window_infer", a.nWindowInfer()).put("num_mel_bins", a.numMelBins())
                .put("output_dim", a.outputDim()).put("scale_embedding", false);
        Qwen3AsrConfig.Text t = c.text();
        ObjectNode tc = thinker.putObject("text_config");
        tc.put("attention_bias", false).put("attention_dropout", 0).put("head_dim", t.headDim())
                .put("hidden_act", "silu").put("hidden_size", t.hidden()).put("initializer_range", 0.02)
                .put("intermediate_size", t.intermediate()).put("max_position_embeddings", t.maxPositions())
                .put("model_type", "qwen3_asr_text").put("num_attention_heads", t.heads())
                .put("num_hidden_layers", t.layers()).put("num_key_value_heads", t.kvHeads())
                .put("rms_norm_eps", t.rmsNormEps()).put("rope_theta", t.ropeTheta());
        ObjectNode rope = tc.putObject("rope_scaling");
        rope.put("interleaved", true).put("mrope_interleaved", true).put("rope_type", "default");
        rope.putArray("mrope_section").add(24).add(20).add(20);
        tc.put("tie_word_embeddings", t.tieWordEmbeddings()).put("use_cache", true).put("vocab_size", t.vocabSize());
        return root;
    }
}
