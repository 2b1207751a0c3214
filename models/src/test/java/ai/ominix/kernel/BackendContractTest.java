package ai.ominix.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The parity test body every backend runs: each op against the float64 {@link RefOps} on random
 * inputs of odd sizes, with the tolerances stated in each test. A backend's test class extends
 * this and supplies {@link #newBackend()}.
 */
public abstract class BackendContractTest implements ShapeOpsContract, ElementwiseContract, LinearContract,
        QuantizedContract, AttentionContract, ConvContract, ScopeContract {

    private Backend backend;
    private Scope scope;

    /** A fresh backend for one test; closed after it. */
    protected abstract Backend newBackend();

    @Override
    public Backend be() {
        return backend;
    }

    @BeforeEach
    void openBackend() {
        backend = newBackend();
        scope = Scope.open();
    }

    @AfterEach
    void closeBackend() {
        try {
            for (Scope s = Scope.current(); s != null; s = Scope.current()) { // also any scope a failed test left open
                s.close();
                if (s == scope) break;
            }
        } finally {
            backend.close();
        }
    }
}
