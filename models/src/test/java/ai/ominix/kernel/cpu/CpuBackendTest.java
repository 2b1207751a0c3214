package ai.ominix.kernel.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.BackendContractTest;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.weights.SafetensorsWriter;
import ai.ominix.weights.WeightsFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared backend contract on the CPU backend (two kernel threads, so the pool is used), plus CPU-only checks. */
class CpuBackendTest extends BackendContractTest {

    @Override
    protected Backend newBackend() {
        return new CpuBackend(2);
    }

    private CpuBackend cpu() {
        return (CpuBackend) be();
    }

    @Test
    void everyOpResultIsFreedWhenItsScopeCloses() {
        int before = cpu().liveAllocations();
        try (Scope s = Scope.open()) {
            Tensor x = be().fromArray(new float[64 * 33], 64, 33);
            Tensor y = be().transpose(be().gelu(be().rmsNorm(x, null, 1e-6f)), 1, 0);
            be().matmul(y, x);
            assertTrue(cpu().liveAllocations() > before);
        }
        assertEquals(before, cpu().liveAllocations());
    }

    @Test
    void viewsKeepTheirMemoryAliveUntilTheLastOneCloses() {
        Tensor x = Scope.detach(be().fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Tensor v = Scope.detach(be().slice(x, 1, 1, 3));
        int live = cpu().liveAllocations();
        x.close();
        assertEquals(live, cpu().liveAllocations(), "the view still holds the block");
        assertArrayEquals(new float[] {2, 3, 5, 6}, be().toFloatArray(v));
        v.close();
        assertEquals(live - 1, cpu().liveAllocations());
        assertThrows(KernelException.class, () -> be().toFloatArray(v));
    }

    @Test
    void closingTheBackendReleasesAllNativeMemory() {
        CpuBackend b = new CpuBackend(2);
        Tensor kept = Scope.detach(b.zeros(DType.F32, 1000));
        try (Scope s = Scope.open()) {
            b.exp(b.zeros(DType.F32, 4096));
        }
        assertTrue(b.memoryStats().cacheBytes() > 0, "freed blocks are cached for reuse");
        assertEquals(1, b.liveAllocations());
        b.close();
        assertEquals(0, b.liveAllocations());
        assertEquals(0, b.memoryStats().activeBytes());
        assertEquals(0, b.memoryStats().cacheBytes());
        assertThrows(RuntimeException.class, () -> b.toFloatArray(kept));
    }

    @Test
    void weightsAreZeroCopyViewsOfTheMappedFile(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("model.safetensors");
        new SafetensorsWriter().metadata("format", "mlx")
                .add("a", DType.BF16, new float[] {1.5f, -2f, 3.25f, 0f}, 2, 2)
                .add("b", DType.U32, new int[] {7, -1}, 2)
                .write(p);
        int live = cpu().liveAllocations();
        Tensor a;
        try (Weights w = be().loadWeights(List.of(p))) {
            assertEquals(live, cpu().liveAllocations(), "loading allocates no tensor memory");
            a = w.get("a");
            assertEquals(DType.BF16, a.dtype());
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f}, be().toFloatArray(a));
            assertArrayEquals(new int[] {7, -1}, be().toIntArray(w.get("b")));
            assertEquals(8 + 8, w.byteSize());
            assertThrows(IllegalArgumentException.class, () -> w.get("c"));
        }
        assertThrows(KernelException.class, () -> be().toFloatArray(a), "unmapped with the weights");
    }

    @Test
    void aTensorOfADtypeTheKernelsLackFailsOnlyWhenAskedFor(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("x.safetensors");
        new SafetensorsWriter().add("position_ids", "I64", new long[] {1}, new byte[8])
                .add("w", DType.F32, new float[] {1f}, 1).write(p);
        try (Weights w = be().loadWeights(List.of(p))) {
            assertTrue(w.contains("position_ids"));
            assertEquals(java.util.Set.of("position_ids", "w"), w.names());
            assertArrayEquals(new float[] {1f}, be().toFloatArray(w.get("w")));
            WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> w.get("position_ids"));
            assertTrue(e.getMessage().contains("I64"), e.getMessage());
        }
    }

    @Test
    void factoryOpensTheCpuBackend() {
        try (Backend b = Backends.open("cpu", 0)) {
            assertEquals("cpu", b.name());
            assertEquals(Runtime.getRuntime().availableProcessors(), ((CpuBackend) b).threads());
        }
        // "auto" and "mlx" depend on whether mlx-c loads here (BackendsMlxTest, MlxBackendUnavailableTest)
        assertThrows(KernelException.class, () -> Backends.open("tpu", 0));
    }
}
