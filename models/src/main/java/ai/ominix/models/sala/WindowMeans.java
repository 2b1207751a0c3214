package ai.ominix.models.sala;

import java.util.Arrays;

/**
 * Compressed keys of one sparse layer, kept on the host (§4.3 rule 1): the mean of every window of
 * {@code size} consecutive keys starting at multiples of {@code stride}, per kv head, appended as
 * soon as the window's last key exists (so prefill and decode produce the same windows).
 *
 * <p>Every window is summed in the same order with the same float arithmetic, so windows over
 * identical keys are bit-identical and ties between them are decided by the tie rule, not by
 * rounding (§4.3 rule 6).
 */
final class WindowMeans {

    private final int size;
    private final int stride;
    private final int groups;
    private final int dim;
    private float[][] means;        // per group: window-major [count, dim]
    private int count;
    private float[][] pending;      // per group: keys from position pendingStart on, [rows, dim]
    private int pendingStart;
    private int consumed;           // keys pushed so far

    WindowMeans(int size, int stride, int groups, int dim) {
        this.size = size;
        this.stride = stride;
        this.groups = groups;
        this.dim = dim;
        this.means = new float[groups][dim * 16];
        this.pending = new float[groups][dim * size * 2];
    }

    /** An independent copy (a sequence forked after a shared prefix). */
    WindowMeans copy() {
        WindowMeans c = new WindowMeans(size, stride, groups, dim);
        for (int g = 0; g < groups; g++) {
            c.means[g] = means[g].clone();
            c.pending[g] = pending[g].clone();
        }
        c.count = count;
        c.pendingStart = pendingStart;
        c.consumed = consumed;
        return c;
    }

    /** Keys pushed so far. */
    int consumed() {
        return consumed;
    }

    /** Complete windows so far. */
    int count() {
        return count;
    }

    /** Windows whose last key is at position ≤ p, i.e. {@code j·stride + size ≤ p + 1}. */
    int visibleAt(int p) {
        int n = p + 1 - size;
        return n < 0 ? 0 : Math.min(count, n / stride + 1);
    }

    /** Window means of kv head {@code g}, window-major {@code [count, dim]} (the array may be longer). */
    float[] means(int g) {
        return means[g];
    }

    /**
     * Appends {@code rows} keys given as {@code keys[(g * rows + r) * dim + i]} (the layout of a
     * {@code [1, G, rows, dim]} tensor), completing whatever windows they close.
     */
    void push(float[] keys, int rows) {
        int have = consumed - pendingStart;
        for (int g = 0; g < groups; g++) {
            pending[g] = ensure(pending[g], (have + rows) * dim);
            System.arraycopy(keys, g * rows * dim, pending[g], have * dim, rows * dim);
        }
        consumed += rows;
        while ((long) count * stride + size <= consumed) {
            int first = count * stride - pendingStart;
            for (int g = 0; g < groups; g++) {
                means[g] = ensure(means[g], (count + 1) * dim);
                float[] keysOfG = pending[g];
                int out = count * dim;
                System.arraycopy(keysOfG, first * dim, means[g], out, dim);
                for (int r = 1; r < size; r++) {
                    int row = (first + r) * dim;
                    for (int i = 0; i < dim; i++) means[g][out + i] += keysOfG[row + i];
                }
                for (int i = 0; i < dim; i++) means[g][out + i] /= size;
            }
            count++;
        }
        // keys before the next window's start are never read again
        int drop = Math.min(count * stride, consumed) - pendingStart;
        if (drop > 0) {
            int keep = consumed - pendingStart - drop;
            for (int g = 0; g < groups; g++) System.arraycopy(pending[g], drop * dim, pending[g], 0, keep * dim);
            pendingStart += drop;
        }
    }

    private static float[] ensure(float[] a, int length) {
        return a.length >= length ? a : Arrays.copyOf(a, Math.max(length, a.length * 2));
    }
}
