package ai.ominix.mlx;

import static ai.ominix.mlx.c.CTypes.C_LONG;

import ai.ominix.mlx.c.CMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/** MLX's allocator statistics (process-wide) and cache control. */
public final class MlxMemory {

    private MlxMemory() {}

    /** Bytes held by live arrays. */
    public static long activeBytes() {
        return read("mlx_get_active_memory", CMemory::mlx_get_active_memory);
    }

    /** Highest {@link #activeBytes} since start or the last {@link #resetPeak}. */
    public static long peakBytes() {
        return read("mlx_get_peak_memory", CMemory::mlx_get_peak_memory);
    }

    /** Bytes freed by arrays but kept by MLX's buffer cache for reuse. */
    public static long cacheBytes() {
        return read("mlx_get_cache_memory", CMemory::mlx_get_cache_memory);
    }

    public static long memoryLimit() {
        return read("mlx_get_memory_limit", CMemory::mlx_get_memory_limit);
    }

    public static void resetPeak() {
        MlxLibrary.check(CMemory.mlx_reset_peak_memory(), "mlx_reset_peak_memory");
    }

    /** Returns cached buffers to the system. */
    public static void clearCache() {
        MlxLibrary.check(CMemory.mlx_clear_cache(), "mlx_clear_cache");
    }

    /** Caps the buffer cache; returns the previous limit. */
    public static long setCacheLimit(long bytes) {
        return read("mlx_set_cache_limit", out -> CMemory.mlx_set_cache_limit(out, bytes));
    }

    private static long read(String name, Function<MemorySegment, Integer> call) {
        MlxLibrary.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_LONG);
            MlxLibrary.check(call.apply(out), name);
            return out.get(C_LONG, 0);
        }
    }
}
