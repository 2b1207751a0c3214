package ai.ominix.bench;

import ai.ominix.models.sala.SalaConfig;
import ai.ominix.models.sala.SalaWeights;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import ai.ominix.weights.HalfFloat;
import ai.ominix.weights.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MiniCPM-SALA checkpoint with random weights in the MLX layout (docs/minicpm-sala.md §6, §7):
 * config.json with the quantization block, generation_config.json, the MiniCPM tokenizer files
 * with the chat tokens at their real ids, and one {@code model.safetensors} (8- or 4-bit affine
 * linears, bf16 embedding and norms). Tensor data is streamed to disk, never held in memory, and
 * depends only on the configuration, the bits and the seed. Values are kept in a sane range
 * (|w| ≈ 1/√in, embeddings ≈ 1/12) so activations stay finite and free of denormals.
 */
public final class RandomSalaCheckpoint {

    static final int GROUP = RealShapes.GROUP_SIZE;
    /** Merges the tiny tokenizer learns (its vocabulary must end below the chat tokens). */
    static final int TOKENIZER_MERGES = 300;

    private static final String COMPLETE = "complete.json";

    private RandomSalaCheckpoint() {}

    /** The directory holding the real-shape checkpoint for {@code bits} under {@code cacheDir}, written first if incomplete. */
    public static Path ensure(Path cacheDir, int bits) throws IOException {
        Path dir = cacheDir.resolve("minicpm-sala-9b-random-" + bits + "bit");
        if (Files.exists(dir.resolve(COMPLETE))) return dir;
        SalaConfig config = RealShapes.minicpmSala9b();
        DiskSpace.require(dir, weightBytes(config, bits));
        write(dir, config, bits, 0);
        Files.writeString(dir.resolve(COMPLETE), "{\"bits\": " + bits + "}\n");
        return dir;
    }

    /** Writes every file of the checkpoint into {@code dir} (created). */
    public static void write(Path dir, SalaConfig config, int bits, long seed) throws IOException {
        Files.createDirectories(dir);
        int firstAdded = config.vocabSize() - TinyTokenizerFiles.MINICPM_ADDED.size();
        TinyTokenizerFiles.writeMiniCpm(dir, firstAdded, TOKENIZER_MERGES);
        ObjectMapper json = new ObjectMapper();
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(config(config, bits)));
        ObjectNode gen = json.createObjectNode();
        gen.put("bos_token_id", config.bosTokenId());
        ArrayNode eos = gen.putArray("eos_token_id");
        config.eosTokenIds().stream().sorted().forEach(eos::add);
        gen.put("pad_token_id", 2);
        gen.put("do_sample", true);
        Files.writeString(dir.resolve("generation_config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(gen));
        weights(config, bits, seed).write(dir.resolve("model.safetensors"));
    }

    /** Bytes of tensor data {@link #write} puts into model.safetensors (the header adds a few hundred KB). */
    public static long weightBytes(SalaConfig config, int bits) {
        long[] total = {0};
        new Layout(config, bits) {
            @Override
            void dense(String name, long rows, long cols, Fill fill) {
                total[0] += 2 * rows * cols;
            }

            @Override
            void quantized(String module, long out, long in) {
                total[0] += out * in * bits / 8 + 2 * 2 * out * (in / GROUP);
            }
        }.walk();
        return total[0];
    }

    /** The configuration (§1) with MLX's quantization block. */
    static ObjectNode config(SalaConfig config, int bits) {
        ObjectNode c = config.toJson();
        ObjectNode q = c.putObject("quantization");
        q.put("group_size", GROUP);
        q.put("bits", bits);
        return c;
    }

    private enum Fill { EMBEDDING, ONES }

    /** Every tensor of the checkpoint ({@link SalaWeights#modules}), in one order, for both writing and counting. */
    private abstract static class Layout {
        final SalaConfig c;
        final int bits;

        Layout(SalaConfig c, int bits) {
            this.c = c;
            this.bits = bits;
        }

        abstract void dense(String name, long rows, long cols, Fill fill);

        abstract void quantized(String module, long out, long in);

        void walk() {
            for (SalaWeights.Module m : SalaWeights.modules(c)) {
                switch (m.kind()) {
                    case EMBEDDING -> dense(m.name() + ".weight", m.out(), m.in(), Fill.EMBEDDING);
                    case NORM -> dense(m.name() + ".weight", 1, m.in(), Fill.ONES);
                    case LINEAR -> quantized(m.name(), m.out(), m.in());
                }
            }
        }
    }

    private static SafetensorsWriter weights(SalaConfig config, int bits, long seed) {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "mlx");
        long[] next = {seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L};
        new Layout(config, bits) {
            @Override
            void dense(String name, long rows, long cols, Fill fill) {
                long[] shape = rows == 1 ? new long[] {cols} : new long[] {rows, cols};
                long s = next[0]++;
                w.add(name, "BF16", shape, out -> {
                    if (fill == Fill.ONES) bf16Constant(out, rows * cols, 1f);
                    else bf16Uniform(out, rows * cols, 0.15f, s);
                });
            }

            /** Random codes with one scale per tensor: {@code w = s·(q − mid)} has std ≈ 1/√in. */
            @Override
            void quantized(String module, long out, long in) {
                long s = next[0]++;
                int levels = 1 << bits;
                float scale = (float) (Math.sqrt(12.0 / in) / levels);
                float bias = -scale * levels / 2;
                w.add(module + ".weight", "U32", new long[] {out, in * bits / 32}, o -> randomBytes(o, out * in * bits / 8, s));
                w.add(module + ".scales", "BF16", new long[] {out, in / GROUP}, o -> bf16Constant(o, out * (in / GROUP), scale));
                w.add(module + ".biases", "BF16", new long[] {out, in / GROUP}, o -> bf16Constant(o, out * (in / GROUP), bias));
            }
        }.walk();
        return w;
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
