package ai.ominix.mlx;

import static ai.ominix.mlx.c.CTypes.C_INT;
import static ai.ominix.mlx.c.CTypes.C_POINTER;

import ai.ominix.mlx.c.CArray;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One MLX array handle ({@code mlx_array}) with exactly one owner: whoever created it closes it
 * (try-with-resources, or a backend's scope). The handle is a reference to MLX's own refcounted
 * array, so closing it releases this reference only; graph nodes that use the array keep their own.
 *
 * <p>The {@code mlx_array} struct ({@code {void* ctx}}) that mlx-c takes by value lives in a small
 * heap segment: the linker copies it into the call, so no native allocation is needed per array.
 * Not thread-safe: use an array from one thread at a time.
 */
public final class MlxArray implements AutoCloseable {

    private static final AtomicLong LIVE = new AtomicLong();
    /** The null {@code mlx_array} ({@code ctx == NULL}), for "may be null" arguments. */
    static final MemorySegment NULL = MemorySegment.ofArray(new long[1]).asReadOnly();

    private final MemorySegment handle = MemorySegment.ofArray(new long[1]);

    private MlxArray(long ctx) {
        if (ctx == 0) throw new MlxException("mlx-c returned an empty array");
        handle.set(ValueLayout.JAVA_LONG, 0, ctx);
        LIVE.incrementAndGet();
    }

    /** Takes ownership of the array an mlx-c call wrote into {@code slot} (an {@code mlx_array*}). */
    static MlxArray adopt(MemorySegment slot) {
        return new MlxArray(slot.get(C_POINTER, 0).address());
    }

    /** A copy of host data: {@code data} holds {@code product(shape)} elements of {@code dtype}, row-major. */
    public static MlxArray copyOf(MemorySegment data, MlxDType dtype, int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (data.byteSize() != n * dtype.byteSize()) {
            throw new IllegalArgumentException(data.byteSize() + " bytes for " + n + " elements of " + dtype);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = data.isNative() ? data : arena.allocate(data.byteSize(), 8).copyFrom(data);
            MemorySegment dims = arena.allocateFrom(C_INT, shape);
            MemorySegment out = CArray.mlx_array_new_data(arena, src, dims, shape.length, dtype.code());
            return new MlxArray(out.get(C_POINTER, 0).address());
        }
    }

    public static MlxArray of(float[] data, int... shape) {
        return copyOf(MemorySegment.ofArray(data), MlxDType.FLOAT32, shape);
    }

    public static MlxArray of(int[] data, int... shape) {
        return copyOf(MemorySegment.ofArray(data), MlxDType.INT32, shape);
    }

    /** A float32 scalar (0-d array). */
    public static MlxArray scalar(float value) {
        try (Arena arena = Arena.ofConfined()) {
            return new MlxArray(CArray.mlx_array_new_float32(arena, value).get(C_POINTER, 0).address());
        }
    }

    /** The {@code mlx_array} struct to pass by value to mlx-c. */
    MemorySegment handle() {
        if (isClosed()) throw new IllegalStateException("MLX array used after close");
        return handle;
    }

    public int ndim() {
        return (int) CArray.mlx_array_ndim(handle());
    }

    public int[] shape() {
        int n = ndim();
        if (n == 0) return new int[0];
        return CArray.mlx_array_shape(handle()).reinterpret((long) n * Integer.BYTES).toArray(C_INT);
    }

    public long size() {
        return CArray.mlx_array_size(handle());
    }

    public long nbytes() {
        return CArray.mlx_array_nbytes(handle());
    }

    public MlxDType dtype() {
        return MlxDType.of(CArray.mlx_array_dtype(handle()));
    }

    /** MLX's own description of the array (forces evaluation of its values). */
    @Override
    public String toString() {
        if (isClosed()) return "MlxArray[closed]";
        return MlxLibrary.readString("mlx_array_tostring", str -> CArray.mlx_array_tostring(str, handle()));
    }

    public boolean isClosed() {
        return handle.get(ValueLayout.JAVA_LONG, 0) == 0;
    }

    /** Releases this handle. Idempotent. */
    @Override
    public void close() {
        if (isClosed()) return;
        int status = CArray.mlx_array_free(handle);
        handle.set(ValueLayout.JAVA_LONG, 0, 0L);
        LIVE.decrementAndGet();
        MlxLibrary.check(status, "mlx_array_free");
    }

    /** Handles created and not yet closed in this process (for leak tests). */
    public static long liveCount() {
        return LIVE.get();
    }
}
