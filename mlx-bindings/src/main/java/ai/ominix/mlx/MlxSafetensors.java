package ai.ominix.mlx;

import static ai.ominix.mlx.c.CTypes.C_POINTER;

import ai.ominix.mlx.c.CIo;
import ai.ominix.mlx.c.CMap;
import ai.ominix.mlx.c.CTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mlx_load_safetensors}: MLX reads the file itself, lazily (data is read when first
 * evaluated), keeping every tensor's dtype as stored. Callers validate the file's header first
 * (MLX trusts it).
 */
public final class MlxSafetensors {

    private MlxSafetensors() {}

    /** The tensors of one file (owned by the caller) and its {@code __metadata__}. */
    public record Contents(Map<String, MlxArray> arrays, Map<String, String> metadata) implements AutoCloseable {
        @Override
        public void close() {
            arrays.values().forEach(MlxArray::close);
        }
    }

    public static Contents load(Path file, MlxStream stream) {
        try (Arena m = Arena.ofConfined()) {
            MemorySegment arrays = m.allocate(CTypes.mlx_map_string_to_array);
            MemorySegment metadata = m.allocate(CTypes.mlx_map_string_to_string);
            MlxLibrary.check(CIo.mlx_load_safetensors(arrays, metadata, m.allocateFrom(file.toString()),
                    stream.handle()), "mlx_load_safetensors(" + file + ")");
            Map<String, MlxArray> out = new LinkedHashMap<>();
            try {
                readArrays(m, arrays, out);
                return new Contents(out, readStrings(m, metadata));
            } catch (RuntimeException e) {
                out.values().forEach(MlxArray::close);
                throw e;
            } finally {
                CMap.mlx_map_string_to_array_free(arrays);
                CMap.mlx_map_string_to_string_free(metadata);
            }
        }
    }

    private static void readArrays(Arena m, MemorySegment map, Map<String, MlxArray> out) {
        MemorySegment it = CMap.mlx_map_string_to_array_iterator_new(m, map);
        try {
            MemorySegment key = m.allocate(C_POINTER);
            while (true) {
                MemorySegment value = m.allocate(CTypes.mlx_array);
                int status = CMap.mlx_map_string_to_array_iterator_next(key, value, it);
                if (status == 2) return; // end of map
                MlxLibrary.check(status, "mlx_map_string_to_array_iterator_next");
                out.put(key.get(C_POINTER, 0).reinterpret(Long.MAX_VALUE).getString(0), MlxArray.adopt(value));
            }
        } finally {
            CMap.mlx_map_string_to_array_iterator_free(it);
        }
    }

    private static Map<String, String> readStrings(Arena m, MemorySegment map) {
        Map<String, String> out = new LinkedHashMap<>();
        MemorySegment it = CMap.mlx_map_string_to_string_iterator_new(m, map);
        try {
            MemorySegment key = m.allocate(C_POINTER);
            MemorySegment value = m.allocate(C_POINTER);
            while (true) {
                int status = CMap.mlx_map_string_to_string_iterator_next(key, value, it);
                if (status == 2) return out;
                MlxLibrary.check(status, "mlx_map_string_to_string_iterator_next");
                out.put(key.get(C_POINTER, 0).reinterpret(Long.MAX_VALUE).getString(0),
                        value.get(C_POINTER, 0).reinterpret(Long.MAX_VALUE).getString(0));
            }
        } finally {
            CMap.mlx_map_string_to_string_iterator_free(it);
        }
    }
}
