package ai.ominix.mlx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresMlx
class MlxSafetensorsAndMemoryTest {

    static MlxStream stream;
    static MlxOps ops;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        stream = MlxStream.defaultFor(MlxDevice.best());
        ops = new MlxOps(stream);
    }

    @AfterAll
    static void close() {
        stream.close();
    }

    @Test
    void loadsSafetensorsAsStored() throws Exception {
        float[] f = {1.5f, -2f, 3.25f, 0f, 7f, -0.5f};
        short[] bf = {(short) 0x3F80, (short) 0xC000, (short) 0x4049}; // 1, -2, 3.140625
        int[] u = {0xDEADBEEF, 7};
        ByteBuffer data = ByteBuffer.allocate(24 + 6 + 8).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) data.putFloat(v);
        for (short v : bf) data.putShort(v);
        for (int v : u) data.putInt(v);
        String header = """
                {"__metadata__":{"format":"mlx"},\
                "w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},\
                "s":{"dtype":"BF16","shape":[3],"data_offsets":[24,30]},\
                "q":{"dtype":"U32","shape":[1,2],"data_offsets":[30,38]}}""";
        Path file = writeSafetensors(header, data.array());
        try (MlxSafetensors.Contents c = MlxSafetensors.load(file, stream)) {
            assertEquals(Map.of("format", "mlx"), c.metadata());
            assertEquals(3, c.arrays().size());
            MlxArray w = c.arrays().get("w");
            assertArrayEquals(new int[] {2, 3}, w.shape());
            assertArrayEquals(f, ops.toFloats(w));
            MlxArray s = c.arrays().get("s");
            assertEquals(MlxDType.BFLOAT16, s.dtype());
            assertArrayEquals(bf, ops.toUint16Bits(s));
            assertArrayEquals(new float[] {1f, -2f, 3.140625f}, ops.toFloats(s));
            MlxArray q = c.arrays().get("q");
            assertEquals(MlxDType.UINT32, q.dtype());
            assertArrayEquals(u, ops.toInts(q));
        }
    }

    @Test
    void aMissingFileIsAnExceptionNotAnExit() {
        var e = assertThrows(MlxException.class, () -> MlxSafetensors.load(tmp.resolve("nope.safetensors"), stream));
        assertTrue(e.getMessage().contains("nope.safetensors"), e.getMessage());
    }

    private Path writeSafetensors(String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(h);
        for (int i = h.length; i < padded; i++) out.write(' ');
        out.write(data);
        return Files.write(tmp.resolve("t.safetensors"), out.toByteArray());
    }

    @Test
    void memoryStatisticsFollowArraysAndCacheCanBeCleared() {
        long before = MlxMemory.activeBytes();
        try (MlxArray big = ops.zeros(MlxDType.FLOAT32, 1024, 1024)) {
            MlxOps.eval(big);
            assertTrue(MlxMemory.activeBytes() >= before + 4L * 1024 * 1024, "active memory grows with a 4 MiB array");
            assertTrue(MlxMemory.peakBytes() >= MlxMemory.activeBytes());
        }
        assertTrue(MlxMemory.activeBytes() <= before, "closing the only handle frees the buffer");
        MlxMemory.clearCache();
        assertEquals(0, MlxMemory.cacheBytes());
    }

    /** Decode-like steps: a small graph per step, evaluated once, every handle closed. */
    @Test
    void tenThousandStepsLeakNoHandlesAndNoMemory() {
        long handles = MlxArray.liveCount();
        long active = -1;
        try (MlxArray w = MlxArray.of(new float[64 * 64], 64, 64); MlxArray x0 = MlxArray.of(new float[64], 1, 64)) {
            for (int step = 0; step < 10_000; step++) {
                try (MlxArray h = ops.matmul(x0, w); MlxArray a = ops.add(h, x0); MlxArray s = ops.softmax(a, -1, true);
                        MlxArray n = ops.rmsNorm(s, null, 1e-5f)) {
                    MlxOps.eval(n);
                }
                if (step == 100) active = MlxMemory.activeBytes();
            }
            assertEquals(active, MlxMemory.activeBytes(), "MLX active memory after 10,000 steps");
        }
        assertEquals(handles, MlxArray.liveCount(), "live handles");
    }
}
