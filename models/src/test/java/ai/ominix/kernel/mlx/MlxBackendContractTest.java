package ai.ominix.kernel.mlx;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.BackendContractTest;
import ai.ominix.mlx.RequiresMlx;

/**
 * The shared backend contract (every op against the float64 reference on random odd-sized inputs,
 * the same inputs and tolerances the CPU backend meets) on MLX. Skipped, with the reason printed,
 * where mlx-c is not available.
 */
@RequiresMlx
class MlxBackendContractTest extends BackendContractTest {

    @Override
    protected Backend newBackend() {
        return MlxBackend.open();
    }
}
