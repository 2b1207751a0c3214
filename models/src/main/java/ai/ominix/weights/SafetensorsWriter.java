package ai.ominix.weights;

import ai.ominix.kernel.DType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files the way {@code mx.save_safetensors} does: an 8-byte little-endian
 * header length, compact header JSON with keys in byte order (nlohmann's {@code std::map}),
 * {@code "__metadata__"} always present ({@code null} when empty), no header padding, tensor data
 * packed back to back (here in name order). The file is written to a temporary sibling and renamed
 * into place, so a reader never sees half a file.
 *
 * <p>Data can be given as arrays (fixtures) or streamed by a {@link DataSource} (multi-GB
 * benchmark checkpoints that never fit in memory at once).
 */
public final class SafetensorsWriter {

    /** Produces exactly the tensor's bytes, little-endian, when the file is written. */
    @FunctionalInterface
    public interface DataSource {
        void writeTo(OutputStream out) throws IOException;
    }

    private record Pending(String dtype, long[] shape, long bytes, DataSource source) {}

    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TreeMap<String, Pending> tensors = new TreeMap<>(UTF8_ORDER);
    private final Map<String, String> metadata = new TreeMap<>(UTF8_ORDER);

    /** Adds a header metadata entry, e.g. {@code ("format", "mlx")}. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor whose bytes {@code source} streams at write time. */
    public SafetensorsWriter add(String name, String dtype, long[] shape, DataSource source) {
        int elem = SafetensorsHeader.dtypeBytes(dtype);
        if (elem < 0) throw new IllegalArgumentException("unknown safetensors dtype " + dtype);
        if (name.isEmpty() || name.equals("__metadata__")) throw new IllegalArgumentException("bad tensor name '" + name + "'");
        long bytes = elem;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            bytes = Math.multiplyExact(bytes, d);
        }
        if (tensors.put(name, new Pending(dtype, shape.clone(), bytes, source)) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        return this;
    }

    /** Adds a tensor from raw little-endian bytes. */
    public SafetensorsWriter add(String name, String dtype, long[] shape, byte[] data) {
        add(name, dtype, shape, out -> out.write(data));
        long expected = tensors.get(name).bytes;
        if (expected != data.length) {
            tensors.remove(name);
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " bytes given, " + expected + " needed");
        }
        return this;
    }

    /** Adds float data stored as {@code dtype} (F32, F16 or BF16; narrowing rounds to nearest even). */
    public SafetensorsWriter add(String name, DType dtype, float[] data, int... shape) {
        checkCount(name, data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().put(data);
            case BF16 -> { for (float f : data) b.putShort(HalfFloat.floatToBf16(f)); }
            case F16 -> { for (float f : data) b.putShort(HalfFloat.floatToF16(f)); }
            default -> throw new IllegalArgumentException("float data cannot be stored as " + dtype);
        }
        return add(name, dtype.safetensorsName(), longs(shape), b.array());
    }

    /** Adds 32-bit integer data stored as U32 or I32. */
    public SafetensorsWriter add(String name, DType dtype, int[] data, int... shape) {
        if (dtype != DType.U32 && dtype != DType.I32) throw new IllegalArgumentException("int data cannot be stored as " + dtype);
        checkCount(name, data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(data);
        return add(name, dtype.safetensorsName(), longs(shape), b.array());
    }

    /** The header JSON bytes exactly as they will be written. */
    public byte[] headerJson() {
        ObjectNode root = JSON.createObjectNode();
        Map<String, Object> ordered = new TreeMap<>(UTF8_ORDER);
        long offset = 0;
        Map<String, long[]> offsets = new LinkedHashMap<>();
        for (Map.Entry<String, Pending> e : tensors.entrySet()) {
            offsets.put(e.getKey(), new long[] {offset, offset + e.getValue().bytes});
            offset += e.getValue().bytes;
        }
        ordered.put("__metadata__", metadata);
        ordered.putAll(tensors);
        for (Map.Entry<String, Object> e : ordered.entrySet()) {
            if (e.getValue() instanceof Pending p) {
                ObjectNode child = root.putObject(e.getKey());
                long[] off = offsets.get(e.getKey());
                child.putArray("data_offsets").add(off[0]).add(off[1]);
                child.put("dtype", p.dtype);
                ArrayNode shape = child.putArray("shape");
                for (long d : p.shape) shape.add(d);
            } else if (metadata.isEmpty()) {
                root.putNull("__metadata__");
            } else {
                ObjectNode m = root.putObject("__metadata__");
                metadata.forEach(m::put);
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the file (temporary sibling + rename). */
    public void write(Path path) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            byte[] header = headerJson();
            try (OutputStream raw = Files.newOutputStream(tmp);
                 CountingStream out = new CountingStream(new BufferedOutputStream(raw, 1 << 20))) {
                byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
                out.write(len);
                out.write(header);
                for (Map.Entry<String, Pending> e : tensors.entrySet()) {
                    long before = out.count;
                    e.getValue().source.writeTo(out);
                    if (out.count - before != e.getValue().bytes) {
                        throw new IOException("tensor '" + e.getKey() + "' wrote " + (out.count - before)
                                + " bytes, header says " + e.getValue().bytes);
                    }
                }
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void checkCount(String name, int n, int[] shape) {
        long count = 1;
        for (int d : shape) count *= d;
        if (count != n) {
            throw new IllegalArgumentException("tensor '" + name + "': " + n + " values for shape " + Arrays.toString(shape));
        }
    }

    private static long[] longs(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        return s;
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
