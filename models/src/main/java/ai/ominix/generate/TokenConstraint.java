package ai.ominix.generate;

/**
 * Which tokens may come next (constrained decoding): the engine masks the logits before sampling
 * and tells the constraint what was chosen. Not thread-safe: one per generated sequence;
 * {@link #copy} gives an independent one at the same point (several answers to one prompt).
 */
public interface TokenConstraint {

    /** Sets the logits of every token that may not come next to negative infinity. */
    void mask(float[] logits);

    /**
     * Advances over a token that {@link #mask} allowed.
     *
     * @throws IllegalStateException when the token was not allowed
     */
    void accept(int token);

    /** True when what was accepted so far is a whole document (the end tokens are allowed). */
    boolean complete();

    /** True when nothing but an end token may follow (the document cannot go on). */
    boolean finished();

    TokenConstraint copy();
}
