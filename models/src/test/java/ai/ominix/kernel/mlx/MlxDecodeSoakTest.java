package ai.ominix.kernel.mlx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.mlx.MlxArray;
import ai.ominix.mlx.RequiresMlx;
import ai.ominix.nn.Embedding;
import ai.ominix.nn.KvCache;
import ai.ominix.nn.Linear;
import ai.ominix.nn.RmsNorm;
import ai.ominix.nn.SwiGlu;
import ai.ominix.weights.MlxQuantizer;
import ai.ominix.weights.SafetensorsWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 decode steps of a tiny quantized two-layer decoder (40 requests of 250 tokens, each with
 * its own KV caches), one scope and one evaluation per step: MLX's active memory, the number of
 * live MLX handles and the C heap (everything native) must not grow.
 */
@RequiresMlx
class MlxDecodeSoakTest {

    static final int VOCAB = 96;
    static final int DIM = 64;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int HEAD_DIM = 16;
    static final int FFN = 128;
    static final int LAYERS = 2;
    static final int REQUEST = 250;

    @TempDir
    Path tmp;

    record Layer(RmsNorm norm1, Linear q, Linear k, Linear v, Linear o, RmsNorm norm2, SwiGlu mlp) {}

    @Test
    void memoryStaysFlatOverTenThousandScopedSteps() throws Throwable {
        Path file = writeCheckpoint();
        try (MlxBackend mlx = MlxBackend.open(); Weights w = mlx.loadWeights(List.of(file))) {
            Embedding embed = Embedding.load(w, "embed", DIM);
            RmsNorm finalNorm = RmsNorm.load(w, "norm", 1e-6f);
            Layer[] layers = new Layer[LAYERS];
            for (int l = 0; l < LAYERS; l++) {
                String p = "layers." + l;
                layers[l] = new Layer(RmsNorm.load(w, p + ".norm1", 1e-6f), Linear.load(w, p + ".q", DIM, false),
                        Linear.load(w, p + ".k", DIM, false), Linear.load(w, p + ".v", DIM, false),
                        Linear.load(w, p + ".o", HEADS * HEAD_DIM, false), RmsNorm.load(w, p + ".norm2", 1e-6f),
                        SwiGlu.load(w, p + ".mlp", DIM, FFN));
            }
            KvCache[] caches = new KvCache[LAYERS];
            long active0 = -1;
            long handles0 = -1;
            long native0 = -1;
            int token = 1;
            for (int step = 0; step < 40 * REQUEST; step++) {
                if (step % REQUEST == 0) { // a new request: fresh per-request state
                    for (int l = 0; l < LAYERS; l++) {
                        if (caches[l] != null) caches[l].close();
                        caches[l] = new KvCache(mlx, KV_HEADS, HEAD_DIM);
                    }
                }
                try (Scope s = Scope.open()) {
                    Tensor x = mlx.reshape(embed.lookup(mlx.fromArray(new int[] {token}, 1)), 1, 1, DIM);
                    for (int l = 0; l < LAYERS; l++) x = block(mlx, layers[l], caches[l], x);
                    Tensor next = mlx.argmax(embed.asLinear(finalNorm.apply(x)), -1);
                    mlx.eval(next);
                    token = mlx.toIntArray(next)[0];
                }
                if (step % REQUEST == REQUEST - 1 && step >= 3 * REQUEST) { // same phase: caches full
                    if (active0 < 0) {
                        active0 = mlx.memoryStats().activeBytes();
                        handles0 = MlxArray.liveCount();
                        native0 = mallocInUse();
                    }
                }
            }
            long active = mlx.memoryStats().activeBytes();
            long nativeNow = mallocInUse();
            System.out.printf("soak: MLX active %d -> %d bytes, handles %d -> %d, malloc in use %d -> %d KiB%n",
                    active0, active, handles0, MlxArray.liveCount(), native0 / 1024, nativeNow / 1024);
            assertEquals(active0, active, "MLX active memory after 10,000 steps");
            assertEquals(handles0, MlxArray.liveCount(), "live MLX handles");
            if (native0 >= 0) {
                assertTrue(nativeNow - native0 < 4L << 20, "C heap grew by " + (nativeNow - native0) / 1024 + " KiB");
            }
            for (KvCache c : caches) c.close();
        }
    }

    /** Pre-norm attention + SwiGLU block, one token. */
    private static Tensor block(Backend b, Layer L, KvCache cache, Tensor x) {
        Tensor h = L.norm1().apply(x);
        int pos = cache.length();
        Tensor q = b.transpose(b.reshape(L.q().apply(h), 1, 1, HEADS, HEAD_DIM), 0, 2, 1, 3);
        Tensor k = b.transpose(b.reshape(L.k().apply(h), 1, 1, KV_HEADS, HEAD_DIM), 0, 2, 1, 3);
        Tensor v = b.transpose(b.reshape(L.v().apply(h), 1, 1, KV_HEADS, HEAD_DIM), 0, 2, 1, 3);
        q = b.rope(q, HEAD_DIM, false, 1_000_000f, 1f, pos);
        k = b.rope(k, HEAD_DIM, false, 1_000_000f, 1f, pos);
        cache.append(k, v);
        Tensor att = b.scaledDotProductAttention(q, cache.keys(), cache.values(), (float) (1 / Math.sqrt(HEAD_DIM)),
                AttentionMask.causal());
        x = b.add(x, L.o().apply(b.reshape(b.transpose(att, 0, 2, 1, 3), 1, 1, HEADS * HEAD_DIM)));
        return b.add(x, L.mlp().apply(L.norm2().apply(x)));
    }

    private Path writeCheckpoint() throws Exception {
        Random rnd = new Random(5);
        SafetensorsWriter wr = new SafetensorsWriter();
        quantized(wr, rnd, "embed", VOCAB, DIM);
        wr.add("norm.weight", DType.BF16, ones(DIM), DIM);
        for (int l = 0; l < LAYERS; l++) {
            String p = "layers." + l;
            wr.add(p + ".norm1.weight", DType.BF16, ones(DIM), DIM);
            wr.add(p + ".norm2.weight", DType.BF16, ones(DIM), DIM);
            quantized(wr, rnd, p + ".q", HEADS * HEAD_DIM, DIM);
            quantized(wr, rnd, p + ".k", KV_HEADS * HEAD_DIM, DIM);
            quantized(wr, rnd, p + ".v", KV_HEADS * HEAD_DIM, DIM);
            quantized(wr, rnd, p + ".o", DIM, HEADS * HEAD_DIM);
            quantized(wr, rnd, p + ".mlp.gate_proj", FFN, DIM);
            quantized(wr, rnd, p + ".mlp.up_proj", FFN, DIM);
            quantized(wr, rnd, p + ".mlp.down_proj", DIM, FFN);
        }
        Path file = tmp.resolve("model.safetensors");
        wr.write(file);
        return file;
    }

    private static void quantized(SafetensorsWriter wr, Random rnd, String name, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.1);
        MlxQuantizer.quantize(w, rows, cols, 32, 4, DType.BF16).addTo(wr, name);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /**
     * Bytes the C heap has handed out and not taken back (glibc {@code mallinfo2}: in-use chunks of
     * every arena plus mmapped blocks); -1 without glibc. Unlike the resident size this is blind to
     * the Java heap, which grows on its own terms, and sees every native leak: MLX's buffers and
     * graph nodes, mlx-c's handles, and our arenas all come from malloc.
     */
    private static long mallocInUse() throws Throwable {
        Linker linker = Linker.nativeLinker();
        var symbol = linker.defaultLookup().find("mallinfo2");
        if (symbol.isEmpty()) return -1;
        MemoryLayout[] fields = new MemoryLayout[10];
        java.util.Arrays.fill(fields, ValueLayout.JAVA_LONG);
        MethodHandle h = linker.downcallHandle(symbol.get(), FunctionDescriptor.of(MemoryLayout.structLayout(fields)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) h.invokeExact((SegmentAllocator) arena);
            return info.getAtIndex(ValueLayout.JAVA_LONG, 7) + info.getAtIndex(ValueLayout.JAVA_LONG, 4);
        }
    }
}
