package ai.ominix.mlx;

import static ai.ominix.mlx.c.CTypes.C_BOOL;
import static ai.ominix.mlx.c.CTypes.C_INT;

import ai.ominix.mlx.c.CDevice;
import ai.ominix.mlx.c.CTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An MLX device ({@code mlx_device}): the CPU, or GPU {@code index} (Metal or CUDA). */
public record MlxDevice(Type type, int index) {

    public enum Type { CPU, GPU }

    public static final MlxDevice CPU = new MlxDevice(Type.CPU, 0);
    public static final MlxDevice GPU = new MlxDevice(Type.GPU, 0);

    /** Whether this build of MLX can run on the device (a build without Metal/CUDA has no GPU). */
    public boolean isAvailable() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dev = CDevice.mlx_device_new_type(arena, code(), index);
            try {
                MemorySegment out = arena.allocate(C_BOOL);
                MlxLibrary.check(CDevice.mlx_device_is_available(out, dev), "mlx_device_is_available");
                return out.get(C_BOOL, 0);
            } finally {
                CDevice.mlx_device_free(dev);
            }
        }
    }

    /** How many devices of a type this build of MLX reports. */
    public static int count(Type type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_INT);
            MlxLibrary.check(CDevice.mlx_device_count(out, type == Type.GPU ? CTypes.MLX_GPU : CTypes.MLX_CPU),
                    "mlx_device_count");
            return out.get(C_INT, 0);
        }
    }

    /**
     * The device to compute on, from what the library reports: the GPU (Metal on Apple Silicon,
     * CUDA on Linux) when this build has one, otherwise the CPU. Never asks for a GPU stream on a
     * build without a GPU (that call fails there).
     */
    public static MlxDevice best() {
        return GPU.isAvailable() ? GPU : CPU;
    }

    int code() {
        return type == Type.GPU ? CTypes.MLX_GPU : CTypes.MLX_CPU;
    }

    @Override
    public String toString() {
        return type.name().toLowerCase() + (index == 0 ? "" : ":" + index);
    }
}
