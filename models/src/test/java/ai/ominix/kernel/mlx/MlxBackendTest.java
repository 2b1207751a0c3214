package ai.ominix.kernel.mlx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.mlx.MlxArray;
import ai.ominix.mlx.RequiresMlx;
import ai.ominix.weights.HalfFloat;
import ai.ominix.weights.MlxQuantizer;
import ai.ominix.weights.SafetensorsWriter;
import ai.ominix.weights.WeightsFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the MLX backend adds on top of the op contract: ownership, in-place update, weights as stored. */
@RequiresMlx
class MlxBackendTest {

    static MlxBackend mlx;
    final Random rnd = new Random(11);

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        mlx = MlxBackend.open();
    }

    @AfterAll
    static void close() {
        mlx.close();
    }

    float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Test
    void namesTheDeviceTheLibraryReports() {
        assertTrue(mlx.name().equals("mlx-cpu") || mlx.name().equals("mlx-gpu"), mlx.name());
        assertTrue(mlx.describe().contains("MLX "), mlx.describe());
    }

    @Test
    void everyResultBelongsToTheScopeAndDiesWithIt() {
        long before = MlxArray.liveCount();
        Tensor kept;
        try (Scope outer = Scope.open()) {
            try (Scope inner = Scope.open()) {
                Tensor a = mlx.fromArray(random(15), 3, 5);
                Tensor b = mlx.exp(mlx.transpose(a, 1, 0));
                assertEquals(3, inner.held());
                kept = inner.keep(mlx.sum(b, 0, false));
            }
            assertEquals(1, outer.held());
            assertEquals(before + 1, MlxArray.liveCount(), "only the kept result is alive");
            assertEquals(3, mlx.toFloatArray(kept).length);
        }
        assertTrue(kept.isClosed());
        assertEquals(before, MlxArray.liveCount());
    }

    @Test
    void sliceUpdateWritesIntoTheSameTensorObject() {
        try (Scope s = Scope.open()) {
            Tensor cache = mlx.zeros(DType.F32, 1, 2, 6, 3);
            float[] u = random(2 * 2 * 3);
            Tensor upd = mlx.fromArray(u, 1, 2, 2, 3);
            mlx.sliceUpdate(cache, upd, 2, 4);
            mlx.sliceUpdate(cache, upd, -2, 0);
            float[] c = mlx.toFloatArray(cache);
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 6; l++) {
                    for (int d = 0; d < 3; d++) {
                        float want = l == 2 || l == 3 ? 0 : u[(h * 2 + l % 2) * 3 + d];
                        assertEquals(want, c[(h * 6 + l) * 3 + d], "h" + h + " l" + l + " d" + d);
                    }
                }
            }
            assertThrows(KernelException.class, () -> mlx.sliceUpdate(cache, upd, 2, 5));
        }
    }

    @Test
    void halfPrecisionInputsAreComputedAndReturnedInF32() throws Exception {
        float[] a = random(7);
        Path file = tmp.resolve("h.safetensors");
        new SafetensorsWriter().add("a", DType.BF16, a, 7).add("b", DType.F16, a, 7).write(file);
        try (Weights w = mlx.loadWeights(List.of(file)); Scope s = Scope.open()) {
            assertEquals(DType.BF16, w.get("a").dtype());
            Tensor sum = mlx.add(w.get("a"), w.get("b"));
            assertEquals(DType.F32, sum.dtype());
            float[] got = mlx.toFloatArray(sum);
            for (int i = 0; i < 7; i++) {
                // f32 sum of the two stored values; a bf16 sum would round to 8 mantissa bits
                assertEquals(HalfFloat.roundToBf16(a[i]) + HalfFloat.roundToF16(a[i]), got[i], 0f);
            }
        }
    }

    @Test
    void argmaxIsI32() {
        try (Scope s = Scope.open()) {
            Tensor i = mlx.argmax(mlx.fromArray(new float[] {1, 9, 3, 7, 2, 2}, 2, 3), -1);
            assertEquals(DType.I32, i.dtype());
            assertArrayEquals(new int[] {1, 0}, mlx.toIntArray(i));
        }
    }

    @Test
    void quantizedCheckpointTensorsAreUsedAsStored() throws Exception {
        int out = 5;
        int in = 192;
        float[] x = random(3 * in);
        for (int bits : new int[] {3, 4, 6, 8}) {
            for (DType scaleType : new DType[] {DType.BF16, DType.F16}) {
                int group = bits == 3 ? 32 : 64;
                MlxQuantizer.Quantized q = MlxQuantizer.quantize(random(out * in), out, in, group, bits, scaleType);
                Path file = tmp.resolve("q" + bits + scaleType + ".safetensors");
                SafetensorsWriter writer = new SafetensorsWriter();
                q.addTo(writer, "proj");
                writer.write(file);
                float[] w = q.dequantize();
                try (Weights weights = mlx.loadWeights(List.of(file)); Scope s = Scope.open()) {
                    assertEquals(DType.U32, weights.get("proj.weight").dtype());
                    QuantizedWeight qw = new QuantizedWeight(weights.get("proj.weight"), weights.get("proj.scales"),
                            weights.get("proj.biases"), group, bits);
                    float[] y = mlx.toFloatArray(mlx.quantizedMatmul(mlx.fromArray(x, 3, in), qw));
                    assertArrayEquals(w, mlx.toFloatArray(mlx.dequantize(qw)), 1e-5f, bits + "-bit dequantize");
                    for (int r = 0; r < 3; r++) {
                        for (int o = 0; o < out; o++) {
                            double want = 0;
                            for (int c = 0; c < in; c++) want += (double) x[r * in + c] * w[o * in + c];
                            assertEquals(want, y[r * out + o], 1e-4 * (1 + Math.abs(want)), bits + "-bit " + scaleType);
                        }
                    }
                }
            }
        }
    }

    @Test
    void weightsAreValidatedBeforeMlxReadsThem() throws Exception {
        Path file = tmp.resolve("bad.safetensors");
        new SafetensorsWriter().add("a", DType.F32, random(6), 2, 3).write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4)); // truncated data
        long before = MlxArray.liveCount();
        var e = assertThrows(WeightsFormatException.class, () -> mlx.loadWeights(List.of(file)));
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
        assertEquals(before, MlxArray.liveCount());
    }

    @Test
    void closingWeightsReleasesTheirArrays() throws Exception {
        Path file = tmp.resolve("w.safetensors");
        new SafetensorsWriter().add("a", DType.F32, random(6), 2, 3).add("b", DType.I32, new int[] {1, 2}, 2)
                .write(file);
        long before = MlxArray.liveCount();
        Weights w = mlx.loadWeights(List.of(file));
        assertEquals(before + 2, MlxArray.liveCount());
        assertEquals(6 * 4 + 2 * 4, w.byteSize());
        w.close();
        assertEquals(before, MlxArray.liveCount());
    }

    @Test
    void tensorsOfAnotherBackendAreRejected() {
        try (MlxBackend other = MlxBackend.open(); Scope s = Scope.open()) {
            Tensor foreign = other.fromArray(new float[] {1}, 1);
            assertThrows(KernelException.class, () -> mlx.exp(foreign));
        }
    }

    @Test
    void mlxFailuresAreKernelExceptionsWithMlxsMessage() {
        try (Scope s = Scope.open()) {
            Tensor a = mlx.fromArray(random(6), 2, 3);
            Tensor b = mlx.fromArray(random(4), 2, 2);
            var e = assertThrows(KernelException.class, () -> mlx.matmul(a, b));
            assertTrue(e.getMessage().contains("[matmul]"), e.getMessage());
        }
    }

    /**
     * A prefill-like chain of quantized layers on MLX's CPU, where each weight is dequantized to a
     * transient f32 copy: the copies are made as the graph reaches each layer, not all up front,
     * so the evaluation's peak holds a few of them, not one per layer.
     */
    @Test
    void dequantizedWeightsAreNotAllAliveAtOnce() throws Exception {
        int n = 512;
        int layers = 12;
        SafetensorsWriter writer = new SafetensorsWriter();
        for (int l = 0; l < layers; l++) {
            float[] w = random(n * n);
            for (int i = 0; i < w.length; i++) w[i] *= 0.05f;
            MlxQuantizer.quantize(w, n, n, 64, 4, DType.BF16).addTo(writer, "q" + l);
        }
        Path file = tmp.resolve("layers.safetensors");
        writer.write(file);
        long copy = 4L * n * n;
        try (Weights w = mlx.loadWeights(List.of(file)); Scope s = Scope.open()) {
            Tensor h = mlx.fromArray(random(MlxBackend.CPU_DEQUANTIZE_ROWS * 2 * n), MlxBackend.CPU_DEQUANTIZE_ROWS * 2, n);
            mlx.eval(h);
            long before = mlx.memoryStats().activeBytes();
            ai.ominix.mlx.MlxMemory.resetPeak();
            for (int l = 0; l < layers; l++) {
                h = mlx.quantizedMatmul(h, new QuantizedWeight(w.get("q" + l + ".weight"), w.get("q" + l + ".scales"),
                        w.get("q" + l + ".biases"), 64, 4));
            }
            mlx.eval(h);
            long peak = mlx.memoryStats().peakBytes() - before;
            assertTrue(peak < 6 * copy, "the chain peaked at " + peak / 1024 + " KiB above its inputs; one f32 weight is "
                    + copy / 1024 + " KiB");
        }
    }
}
