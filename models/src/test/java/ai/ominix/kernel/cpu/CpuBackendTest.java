package ai.ominix.kernel.cpu;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.BackendContractTest;

/** The shared backend contract on the CPU backend, with two kernel threads (so the pool is exercised). */
class CpuBackendTest extends BackendContractTest {

    @Override
    protected Backend newBackend() {
        return new CpuBackend(2);
    }
}
