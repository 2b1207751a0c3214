package ai.ominix.kernel.mlx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.mlx.RequiresMlx;
import org.junit.jupiter.api.Test;

/** With mlx-c present, "mlx" and "auto" open MLX and "cpu" still opens the CPU backend. */
@RequiresMlx
class BackendsMlxTest {

    @Test
    void mlxAndAutoOpenMlxWhenItLoads() {
        try (Backend mlx = Backends.open("mlx", 1); Backend auto = Backends.open(" AUTO ", 1);
                Backend cpu = Backends.open("cpu", 1)) {
            assertTrue(mlx instanceof MlxBackend && mlx.name().startsWith("mlx-"), mlx.name());
            assertTrue(auto instanceof MlxBackend, auto.name());
            assertEquals("cpu", cpu.name());
        }
    }
}
