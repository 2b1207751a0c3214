package ai.ominix.models.sala;

import ai.ominix.kernel.Tensor;

/**
 * A layer's token mixer in three parts, so that one forward call can carry the rows of several
 * sequences (continuous batching): the input projections and the output projection are row-wise
 * and run once over all rows (the weights read once), the attention in between runs per sequence
 * on its own cache at its own positions.
 */
sealed interface Mixer permits SparseAttention, LightningAttention {

    /** The projections of {@code n [R, D]} that {@link #mix} and {@link #output} read. */
    Tensor[] project(Tensor n);

    /**
     * One sequence's attention over its rows of the projections ({@code [T, ·]} each, at
     * positions {@code start..}), updating its cache: {@code [T, heads·head_dim]}.
     *
     * @param sparseMode the call ends at a total length ≥ dense_len (sparse layers only)
     */
    Tensor mix(Tensor[] rows, LayerCache cache, int start, boolean sparseMode);

    /** The output projection of the mixed rows {@code [R, heads·head_dim]}; {@code proj} from {@link #project}. */
    Tensor output(Tensor mixed, Tensor[] proj);
}
