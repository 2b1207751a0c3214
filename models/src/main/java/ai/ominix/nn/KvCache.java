package ai.ominix.nn;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;

/**
 * Keys and values of one attention layer for one sequence, {@code [1, heads, capacity, headDim]}
 * in f32, written in place ({@link Backend#sliceUpdate}); capacity grows geometrically so that a
 * decode step never copies the whole cache. Owned by the request's state, not by any scope.
 */
public final class KvCache implements AutoCloseable {

    private static final int STEP = 256;

    private final Backend backend;
    private final int heads;
    private final int headDim;
    private Tensor keys;
    private Tensor values;
    private int length;

    public KvCache(Backend backend, int heads, int headDim) {
        this.backend = backend;
        this.heads = heads;
        this.headDim = headDim;
    }

    /** Tokens held. */
    public int length() {
        return length;
    }

    /** Appends {@code k, v [1, heads, L, headDim]}. */
    public void append(Tensor k, Tensor v) {
        int add = k.dim(2);
        ensureCapacity(length + add);
        backend.sliceUpdate(keys, k, 2, length);
        backend.sliceUpdate(values, v, 2, length);
        length += add;
    }

    /** The cached keys {@code [1, heads, length, headDim]} (a view; valid until the next append). */
    public Tensor keys() {
        return backend.slice(keys, 2, 0, length);
    }

    /** The cached values {@code [1, heads, length, headDim]} (a view; valid until the next append). */
    public Tensor values() {
        return backend.slice(values, 2, 0, length);
    }

    /** An independent cache holding the same keys and values (a sequence forked after a shared prefix). */
    public KvCache copy() {
        KvCache c = new KvCache(backend, heads, headDim);
        if (length > 0) {
            c.ensureCapacity(length);
            try (Scope s = Scope.open()) {
                backend.sliceUpdate(c.keys, keys(), 2, 0);
                backend.sliceUpdate(c.values, values(), 2, 0);
                backend.eval(c.keys, c.values);
            }
            c.length = length;
        }
        return c;
    }

    private void ensureCapacity(int needed) {
        int capacity = keys == null ? 0 : keys.dim(2);
        if (needed <= capacity) return;
        int grown = Math.max(needed, capacity * 2);
        grown = (grown + STEP - 1) / STEP * STEP;
        keys = grow(keys, grown);
        values = grow(values, grown);
    }

    private Tensor grow(Tensor old, int capacity) {
        Tensor fresh = Scope.detach(backend.zeros(DType.F32, 1, heads, capacity, headDim));
        if (old != null) {
            if (length > 0) {
                try (Scope s = Scope.open()) {
                    backend.sliceUpdate(fresh, backend.slice(old, 2, 0, length), 2, 0);
                    backend.eval(fresh);
                }
            }
            old.close();
        }
        return fresh;
    }

    @Override
    public void close() {
        if (keys != null) keys.close();
        if (values != null) values.close();
        keys = values = null;
        length = 0;
    }
}
