package ai.ominix.kernel;

import static ai.ominix.kernel.KernelContract.gauss;
import static ai.ominix.kernel.KernelContract.ref;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.ominix.weights.MlxQuantizer;
import ai.ominix.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Quantized matmul, dequantize and quantized embedding lookup on MLX affine weights written to a
 * real safetensors file and loaded by the backend as stored. The reference dequantizes by reading
 * each value's bits from the row's bit stream and multiplies in float64. Tolerance: the kernels
 * may regroup the sum (per-group partial sums, the bias term through Σx), so the bound is
 * 2e-6·Σ|x|·(|w| + 2^(bits−1)·|scale| + |bias|) + 1e-6 (the 8-bit kernel offsets q by 128).
 */
public interface QuantizedContract extends KernelContract {

    private static Path write(SafetensorsWriter w) {
        try {
            Path dir = Files.createTempDirectory("ominix-q");
            Path p = dir.resolve("model.safetensors");
            w.write(p);
            p.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void check(MlxQuantizer.Quantized q, Weights weights, String name, int rows, Random r) {
        QuantizedWeight qw = new QuantizedWeight(weights.get(name + ".weight"), weights.get(name + ".scales"),
                weights.get(name + ".biases"), q.groupSize(), q.bits());
        assertEquals(q.rows(), qw.outFeatures());
        assertEquals(q.cols(), qw.inFeatures());
        RefOps.Arr w = RefOps.dequantize(q.packed(), q.scales(), q.biases(), q.rows(), q.cols(), q.bits(), q.groupSize());
        assertClose(w, be().dequantize(qw), 1e-6, 1e-6, name + " dequantize");
        float[] x = gauss(r, rows * q.cols());
        RefOps.Arr want = RefOps.matmul(ref(x, rows, q.cols()), RefOps.transpose2(w), null);
        double[] bound = new double[rows * q.rows()];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < q.rows(); o++) {
                double b = 0;
                for (int c = 0; c < q.cols(); c++) {
                    int g = o * (q.cols() / q.groupSize()) + c / q.groupSize();
                    b += Math.abs(x[i * q.cols() + c]) * (Math.abs(w.get(o, c)) + (1 << (q.bits() - 1)) * Math.abs(q.scales()[g])
                            + Math.abs(q.biases()[g]));
                }
                bound[i * q.rows() + o] = b;
            }
        }
        Tensor got = be().quantizedMatmul(t(x, rows, q.cols()), qw);
        assertArrayEquals(new int[] {rows, q.rows()}, got.shape());
        KernelContract.assertWithinBound(want.data(), get(got), bound, 2e-6, name + " quantizedMatmul rows " + rows);
    }

    @Test
    default void quantizedMatmulForEveryBitsGroupAndScaleDtype() {
        Random r = new Random(31);
        int out = 37;
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "mlx");
        java.util.Map<String, MlxQuantizer.Quantized> all = new java.util.LinkedHashMap<>();
        for (int bits : new int[] {2, 3, 4, 5, 6, 8}) {
            for (int group : new int[] {32, 64, 128}) {
                for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                    int in = group * 3;
                    MlxQuantizer.Quantized q = MlxQuantizer.quantize(gauss(r, out * in), out, in, group, bits, dt);
                    String name = "b" + bits + ".g" + group + "." + dt;
                    q.addTo(writer, name);
                    all.put(name, q);
                }
            }
        }
        try (Weights weights = be().loadWeights(List.of(write(writer)))) {
            for (var e : all.entrySet()) {
                for (int rows : new int[] {1, 5}) check(e.getValue(), weights, e.getKey(), rows, r);
            }
        }
    }

    @Test
    default void quantizedMatmulAtALayerLikeShape() {
        Random r = new Random(32);
        int out = 131, in = 640;
        SafetensorsWriter writer = new SafetensorsWriter();
        MlxQuantizer.Quantized q8 = MlxQuantizer.quantize(gauss(r, out * in), out, in, 64, 8, DType.BF16);
        MlxQuantizer.Quantized q4 = MlxQuantizer.quantize(gauss(r, out * in), out, in, 64, 4, DType.BF16);
        q8.addTo(writer, "q8");
        q4.addTo(writer, "q4");
        try (Weights weights = be().loadWeights(List.of(write(writer)))) {
            for (int rows : new int[] {1, 2, 3, 29}) {
                check(q8, weights, "q8", rows, r);
                check(q4, weights, "q4", rows, r);
            }
        }
    }

    @Test
    default void quantizedEmbeddingLookupAndTiedLogits() {
        Random r = new Random(33);
        int vocab = 57, dim = 128;
        MlxQuantizer.Quantized e = MlxQuantizer.quantize(gauss(r, vocab * dim), vocab, dim, 64, 8, DType.BF16);
        SafetensorsWriter writer = new SafetensorsWriter();
        e.addTo(writer, "model.embed_tokens");
        try (Weights weights = be().loadWeights(List.of(write(writer)))) {
            Tensor packed = weights.get("model.embed_tokens.weight");
            assertEquals(DType.U32, packed.dtype());
            assertEquals(DType.BF16, weights.get("model.embed_tokens.scales").dtype());
            Tensor ids = be().fromArray(new int[] {5, 56, 0, 5}, 4);
            QuantizedWeight rows = new QuantizedWeight(be().take(packed, ids, 0), be().take(weights.get("model.embed_tokens.scales"), ids, 0),
                    be().take(weights.get("model.embed_tokens.biases"), ids, 0), 64, 8);
            RefOps.Arr table = RefOps.dequantize(e.packed(), e.scales(), e.biases(), vocab, dim, 8, 64);
            float[] got = get(be().dequantize(rows));
            int[] idx = {5, 56, 0, 5};
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < dim; j++) assertEquals(table.get(idx[i], j), got[i * dim + j], 1e-6, "embedding row " + idx[i]);
            // logits = h · Eᵀ through the same quantized table (tied embeddings)
            check(e, weights, "model.embed_tokens", 1, r);
        }
    }
}
