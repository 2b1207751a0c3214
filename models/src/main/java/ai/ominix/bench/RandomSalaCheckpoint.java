package ai.ominix.bench;

import ai.ominix.models.sala.SalaConfig;
import ai.ominix.weights.HalfFloat;
import ai.ominix.weights.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A MiniCPM-SALA checkpoint at the real 9B shape (docs/minicpm-sala.md §1, §7) with random
 * weights, MLX-quantized layout, written once into a cache folder (never the repository) and
 * reused: decode and prefill speed do not depend on the weight values. Tensor data is streamed to
 * disk, never held in memory. Values are kept in a sane range (|w| ≈ 1/√in, embeddings ≈ 1/12) so
 * activations stay finite and free of denormals.
 */
public final class RandomSalaCheckpoint {

    static final int VOCAB = 73448;
    static final int HIDDEN = 4096;
    static final int INTERMEDIATE = 16384;
    static final int LAYERS = 32;
    static final int HEADS = 32;
    static final int KV_HEADS = 2;
    static final int HEAD_DIM = 128;
    static final int GROUP = 64;
    static final List<Integer> SPARSE_LAYERS = List.of(0, 9, 16, 17, 22, 29, 30, 31);

    private static final String COMPLETE = "complete.json";

    private RandomSalaCheckpoint() {}

    /** The directory holding the checkpoint for {@code bits}, written first if it is not complete. */
    public static Path ensure(Path cacheDir, int bits) throws IOException {
        Path dir = cacheDir.resolve("minicpm-sala-9b-random-" + bits + "bit");
        if (Files.exists(dir.resolve(COMPLETE))) return dir;
        Files.createDirectories(dir);
        long needed = 12L << 30;
        FileStore store = Files.getFileStore(dir);
        if (store.getUsableSpace() < needed * bits / 8) {
            throw new IOException("need about " + (needed * bits / 8 >> 30) + " GiB free in " + dir + ", have "
                    + (store.getUsableSpace() >> 30) + " GiB");
        }
        ObjectMapper json = new ObjectMapper();
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(config(bits)));
        writeWeights(dir.resolve("model.safetensors"), bits);
        Files.writeString(dir.resolve(COMPLETE), "{\"bits\": " + bits + "}\n");
        return dir;
    }

    /** The released model's configuration (§1) with MLX's quantization block. */
    static ObjectNode config(int bits) {
        List<SalaConfig.Mixer> mixers = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) mixers.add(SPARSE_LAYERS.contains(l) ? SalaConfig.Mixer.SPARSE : SalaConfig.Mixer.LIGHTNING);
        SalaConfig real = new SalaConfig(VOCAB, HIDDEN, INTERMEDIATE, LAYERS, HEADS, KV_HEADS, HEAD_DIM, HEADS, mixers,
                1e-6f, 10000f, 12f, 1.4f, 256f, (float) (1 / Math.sqrt(HEAD_DIM)),
                new SalaConfig.Sparse(32, 16, 1, 64, 2048, 64, 8192), false, 524288, 1, Set.of(2, 73440));
        ObjectNode c = real.toJson();
        ObjectNode q = c.putObject("quantization");
        q.put("group_size", GROUP);
        q.put("bits", bits);
        return c;
    }

    private static void writeWeights(Path file, int bits) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "mlx");
        long[] seed = {0x9E3779B97F4A7C15L};
        w.add("model.embed_tokens.weight", "BF16", new long[] {VOCAB, HIDDEN}, out -> bf16Uniform(out, (long) VOCAB * HIDDEN, 0.15f, seed[0]++));
        w.add("model.norm.weight", "BF16", new long[] {HIDDEN}, out -> bf16Constant(out, HIDDEN, 1f));
        quantized(w, "lm_head", VOCAB, HIDDEN, bits, seed);
        int sparseDim = HIDDEN / HEADS;
        for (int l = 0; l < LAYERS; l++) {
            String p = "model.layers." + l + ".";
            w.add(p + "input_layernorm.weight", "BF16", new long[] {HIDDEN}, out -> bf16Constant(out, HIDDEN, 1f));
            w.add(p + "post_attention_layernorm.weight", "BF16", new long[] {HIDDEN}, out -> bf16Constant(out, HIDDEN, 1f));
            List<String> square = new ArrayList<>(List.of("q_proj", "o_proj"));
            if (SPARSE_LAYERS.contains(l)) {
                square.add("o_gate");
                quantized(w, p + "self_attn.k_proj", KV_HEADS * sparseDim, HIDDEN, bits, seed);
                quantized(w, p + "self_attn.v_proj", KV_HEADS * sparseDim, HIDDEN, bits, seed);
            } else {
                square.addAll(List.of("k_proj", "v_proj", "z_proj"));
                w.add(p + "self_attn.q_norm.weight", "BF16", new long[] {HEAD_DIM}, out -> bf16Constant(out, HEAD_DIM, 1f));
                w.add(p + "self_attn.k_norm.weight", "BF16", new long[] {HEAD_DIM}, out -> bf16Constant(out, HEAD_DIM, 1f));
                w.add(p + "self_attn.o_norm.weight", "BF16", new long[] {HIDDEN}, out -> bf16Constant(out, HIDDEN, 1f));
            }
            for (String m : square) quantized(w, p + "self_attn." + m, HIDDEN, HIDDEN, bits, seed);
            quantized(w, p + "mlp.gate_proj", INTERMEDIATE, HIDDEN, bits, seed);
            quantized(w, p + "mlp.up_proj", INTERMEDIATE, HIDDEN, bits, seed);
            quantized(w, p + "mlp.down_proj", HIDDEN, INTERMEDIATE, bits, seed);
        }
        w.write(file);
    }

    /** Random codes with one scale per tensor: {@code w = s·(q − mid)} has std ≈ 1/√in. */
    private static void quantized(SafetensorsWriter w, String module, int out, int in, int bits, long[] seed) {
        long s = seed[0]++;
        int levels = 1 << bits;
        float scale = (float) (Math.sqrt(12.0 / in) / levels);
        float bias = -scale * levels / 2;
        w.add(module + ".weight", "U32", new long[] {out, (long) in * bits / 32}, o -> randomBytes(o, (long) out * in * bits / 8, s));
        w.add(module + ".scales", "BF16", new long[] {out, in / GROUP}, o -> bf16Constant(o, (long) out * (in / GROUP), scale));
        w.add(module + ".biases", "BF16", new long[] {out, in / GROUP}, o -> bf16Constant(o, (long) out * (in / GROUP), bias));
    }

    private static void randomBytes(OutputStream out, long bytes, long seed) throws IOException {
        byte[] buf = new byte[1 << 16];
        long x = seed | 1;
        for (long done = 0; done < bytes; ) {
            int n = (int) Math.min(buf.length, bytes - done);
            for (int i = 0; i < n; i += 8) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                for (int k = 0; k < 8 && i + k < n; k++) buf[i + k] = (byte) (x >>> (8 * k));
            }
            out.write(buf, 0, n);
            done += n;
        }
    }

    private static void bf16Uniform(OutputStream out, long count, float range, long seed) throws IOException {
        byte[] buf = new byte[1 << 16];
        long x = seed | 1;
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(buf.length / 2, count - done);
            for (int i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                float f = ((x >>> 40) / (float) (1 << 24) * 2 - 1) * range;
                short h = HalfFloat.floatToBf16(f);
                buf[2 * i] = (byte) h;
                buf[2 * i + 1] = (byte) (h >>> 8);
            }
            out.write(buf, 0, 2 * n);
            done += n;
        }
    }

    private static void bf16Constant(OutputStream out, long count, float value) throws IOException {
        short h = HalfFloat.floatToBf16(value);
        byte[] buf = new byte[(int) Math.min(count, 1 << 15) * 2];
        for (int i = 0; i < buf.length; i += 2) {
            buf[i] = (byte) h;
            buf[i + 1] = (byte) (h >>> 8);
        }
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(buf.length / 2, count - done);
            out.write(buf, 0, 2 * n);
            done += n;
        }
    }
}
