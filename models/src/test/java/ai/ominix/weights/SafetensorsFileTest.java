package ai.ominix.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.DType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void roundTripsEveryKernelDtypeAndMetadata() throws IOException {
        float[] f = {1.5f, -2.25f, 3.0e-3f, 65504f, -0.0f, 1e-8f};
        int[] u = {0, 1, -1, 0x7FFF_FFFF, 12345, 0x8000_0000};
        Path p = dir.resolve("model.safetensors");
        new SafetensorsWriter().metadata("format", "mlx")
                .add("a.f32", DType.F32, f, 2, 3)
                .add("b.bf16", DType.BF16, f, 3, 2)
                .add("c.f16", DType.F16, f, 6)
                .add("d.u32", DType.U32, u, 2, 3)
                .add("e.i32", DType.I32, u, 6)
                .add("z.empty", DType.F32, new float[0], 0, 4)
                .write(p);
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            assertEquals(Map.of("format", "mlx"), st.metadata());
            assertEquals(6, st.names().size());
            assertArrayEquals(new long[] {2, 3}, st.entry("a.f32").shape());
            assertEquals(DType.BF16, st.entry("b.bf16").kernelDType());
            assertEquals(0, st.entry("z.empty").byteSize());
            MemorySegment a = st.data("a.f32"), b = st.data("b.bf16"), c = st.data("c.f16");
            for (int i = 0; i < f.length; i++) {
                assertEquals(f[i], a.getAtIndex(F32, i));
                assertEquals(HalfFloat.roundToBf16(f[i]), HalfFloat.bf16ToFloat(b.getAtIndex(I16, i)));
                assertEquals(HalfFloat.roundToF16(f[i]), HalfFloat.f16ToFloat(c.getAtIndex(I16, i)));
                assertEquals(u[i], st.data("d.u32").getAtIndex(I32, i));
                assertEquals(u[i], st.data("e.i32").getAtIndex(I32, i));
            }
            assertEquals(6 * 4 * 3 + 6 * 2 * 2, st.dataBytes());
        }
    }

    @Test
    void writesTheHeaderExactlyLikeMlx() throws IOException {
        Path p = dir.resolve("x.safetensors");
        // nlohmann::json orders keys bytewise: upper case < "__metadata__" < lower case
        new SafetensorsWriter().metadata("format", "mlx")
                .add("b", DType.F32, new float[] {1, 2}, 2)
                .add("A", DType.U32, new int[] {7}, 1)
                .write(p);
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"A\":{\"data_offsets\":[0,4],\"dtype\":\"U32\",\"shape\":[1]},"
                + "\"__metadata__\":{\"format\":\"mlx\"},"
                + "\"b\":{\"data_offsets\":[4,12],\"dtype\":\"F32\",\"shape\":[2]}}", header);
        assertEquals(8 + n + 12, bytes.length);
        assertEquals(7, ByteBuffer.wrap(bytes, 8 + (int) n, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    @Test
    void emptyMetadataIsWrittenAsNullAndReadBack() throws IOException {
        Path p = dir.resolve("x.safetensors");
        SafetensorsWriter w = new SafetensorsWriter().add("t", DType.F32, new float[] {1}, 1);
        assertTrue(new String(w.headerJson(), StandardCharsets.UTF_8).startsWith("{\"__metadata__\":null,"));
        w.write(p);
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            assertEquals(Map.of(), st.metadata());
            assertEquals(1f, st.data("t").getAtIndex(F32, 0));
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void acceptsSpacePaddedHeadersAsTheRustWriterMakesThem() throws IOException {
        Path p = raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}    ", new byte[4]);
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            assertEquals(4, st.data("t").byteSize());
        }
    }

    @Test
    void closedFileCannotBeRead() throws IOException {
        Path p = dir.resolve("x.safetensors");
        new SafetensorsWriter().add("t", DType.F32, new float[] {1, 2, 3}, 3).write(p);
        SafetensorsFile st = SafetensorsFile.open(p);
        MemorySegment seg = st.data("t");
        st.close();
        st.close();
        assertThrows(IllegalStateException.class, () -> seg.getAtIndex(F32, 0));
    }

    @Test
    void streamedSourceMustWriteTheDeclaredBytes() {
        SafetensorsWriter w = new SafetensorsWriter().add("t", "F32", new long[] {4}, out -> out.write(new byte[12]));
        Path p = dir.resolve("bad.safetensors");
        IOException e = assertThrows(IOException.class, () -> w.write(p));
        assertTrue(e.getMessage().contains("wrote 12 bytes"), e.getMessage());
        assertTrue(Files.notExists(p));
    }

    // ------------------------------------------------------------------ malformed files

    @Test
    void rejectsFilesTooShortForAHeaderLength() throws IOException {
        assertMalformed(write(new byte[0]), "no header length");
        assertMalformed(write(new byte[5]), "no header length");
    }

    @Test
    void rejectsInsaneHeaderLengths() throws IOException {
        assertMalformed(withLength(0, "{}"), "invalid safetensors header length");
        assertMalformed(withLength(-1, "{}"), "invalid safetensors header length");
        assertMalformed(withLength(200_000_000L, "{}"), "invalid safetensors header length");
        assertMalformed(withLength(1000, "{}"), "truncated");
    }

    @Test
    void rejectsMalformedJson() throws IOException {
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",", new byte[0]), "malformed safetensors header JSON");
        assertMalformed(raw("[1,2]", new byte[0]), "not a JSON object");
        assertMalformed(raw("{} {}", new byte[0]), "malformed");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "Duplicate");
        assertMalformed(raw("{\"a\" 1}", new byte[0]), "malformed");
    }

    @Test
    void rejectsBadEntries() throws IOException {
        assertMalformed(raw("{\"t\":5}", new byte[0]), "is not an object");
        assertMalformed(raw("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "no dtype");
        assertMalformed(raw("{\"t\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "unknown dtype 'Q4'");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]), "non-negative");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]), "non-negative integer");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", new byte[4]), "not an array");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]), "must have 2 entries");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", new byte[4]), "needs 4 bytes");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[8]), "needs 8 bytes");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", new byte[4]),
                "too large");
        assertMalformed(raw("{\"__metadata__\":{\"k\":1}}", new byte[0]), "is not a string");
        assertMalformed(raw("{\"__metadata__\":[]}", new byte[0]), "__metadata__ must be an object");
        assertMalformed(raw("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "empty tensor name");
    }

    @Test
    void rejectsDataOutsideTheFileAndOverlaps() throws IOException {
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[7]), "beyond the end");
        assertMalformed(raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[9223372036854775800,9223372036854775804]}}",
                new byte[8]), "beyond the end");
        assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]), "overlaps");
        assertMalformed(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[16]), "overlaps");
    }

    @Test
    void rejectsATruncatedDownload() throws IOException {
        Path p = dir.resolve("model.safetensors");
        new SafetensorsWriter().add("a", DType.F32, new float[64], 8, 8).add("b", DType.F32, new float[64], 64).write(p);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 1);
        }
        WeightsFormatException e = assertMalformed(p, "beyond the end");
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }

    @Test
    void unknownButValidSafetensorsDtypesOpenWithoutAKernelType() throws IOException {
        Path p = raw("{\"t\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
            assertNull(st.entry("t").kernelDType());
        }
    }

    private WeightsFormatException assertMalformed(Path p, String fragment) {
        return assertMalformed(p, fragment, false);
    }

    private WeightsFormatException assertMalformed(Path p, String fragment, boolean headerOnly) {
        WeightsFormatException e = headerOnly
                ? assertThrows(WeightsFormatException.class, () -> SafetensorsHeader.read(p))
                : assertThrows(WeightsFormatException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        if (!headerOnly) assertMalformed(p, fragment, true);
        return e;
    }

    private int files;

    private Path write(byte[] bytes) throws IOException {
        Path p = dir.resolve("f" + (files++) + ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        return withLength(h.length, header, data);
    }

    private Path withLength(long length, String header) throws IOException {
        return withLength(length, header, new byte[0]);
    }

    private Path withLength(long length, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(length).put(h).put(data);
        return write(b.array());
    }
}
