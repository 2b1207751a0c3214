package ai.ominix.kernel;

import java.util.Set;

/**
 * The tensors of a checkpoint as loaded by one backend, named exactly as stored. Owns them:
 * closing the weights (on model unload) releases every tensor and the mapping behind it.
 */
public interface Weights extends AutoCloseable {

    /** The tensor stored under {@code name}; throws {@link IllegalArgumentException} naming it when absent. */
    Tensor get(String name);

    boolean contains(String name);

    Set<String> names();

    /** Bytes of tensor data (as stored) across all files. */
    long byteSize();

    @Override
    void close();
}
