package ai.ominix.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * A memory-mapped safetensors file. The mapping belongs to a shared {@link Arena} owned by this
 * object (readable from any thread, e.g. kernel worker threads); {@link #data} returns zero-copy
 * slices of it. Closing the file unmaps it: later reads of its slices throw
 * {@link IllegalStateException} instead of touching freed memory.
 *
 * <p>The header is fully validated before any slice is handed out, so every slice lies inside the
 * file. (A file truncated by another process <em>while</em> mapped is outside what any reader can
 * guard against.)
 */
public final class SafetensorsFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapped, SafetensorsHeader header) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.header = header;
    }

    /** Maps and validates {@code path}; throws {@link WeightsFormatException} for a malformed or unreadable file. */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = SafetensorsHeader.checkedHeaderLength(
                    size >= 8 ? seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0) : 0,
                    size, path.toString());
            byte[] json = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            SafetensorsHeader header = SafetensorsHeader.parse(json, size - 8 - n, path.toString());
            return new SafetensorsFile(path, arena, seg, header);
        } catch (IOException e) {
            arena.close();
            throw new WeightsFormatException("cannot map safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** Tensor names in data order. */
    public Set<String> names() {
        return header.entries().keySet();
    }

    public boolean contains(String name) {
        return header.entries().containsKey(name);
    }

    /** The entry for {@code name}; {@link IllegalArgumentException} naming it when absent. */
    public SafetensorsHeader.Entry entry(String name) {
        SafetensorsHeader.Entry e = header.entries().get(name);
        if (e == null) throw new IllegalArgumentException("no tensor '" + name + "' in " + path);
        return e;
    }

    /** Zero-copy view of a tensor's bytes (little-endian, possibly unaligned). */
    public MemorySegment data(String name) {
        SafetensorsHeader.Entry e = entry(name);
        return mapped.asSlice(header.dataOffset() + e.begin(), e.byteSize());
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Bytes of tensor data described by the header. */
    public long dataBytes() {
        long n = 0;
        for (SafetensorsHeader.Entry e : header.entries().values()) n += e.byteSize();
        return n;
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
