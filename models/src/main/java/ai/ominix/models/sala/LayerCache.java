package ai.ominix.models.sala;

/**
 * Per-request state of one layer: the growing key/value cache of a sparse layer, or the
 * fixed-size recurrent state of a lightning layer. Owned by one {@link SalaState}.
 */
public sealed interface LayerCache extends AutoCloseable permits SparseCache, LightningState {

    @Override
    void close();
}
