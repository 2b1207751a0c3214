package ai.ominix.kernel.cpu;

/**
 * Per-thread heap work buffers that grow to the largest size asked for and are then reused, so
 * the hot paths allocate nothing per call. Each use has its own slot because a kernel may hold
 * several at once (e.g. a packed A block and a packed B panel).
 */
enum Scratch {
    A_PACK, A_SHARED, B_PACK, TILE, VECTOR_X, VECTOR_X2, FEW_X, ROW, SCALES, ATTN_Q, ATTN_S, ATTN_O, ATTN_T, ATTN_STATS, TABLE;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[values().length][]);

    /** A buffer of at least {@code n} floats (contents unspecified) for this thread. */
    float[] get(int n) {
        float[][] all = BUFFERS.get();
        float[] b = all[ordinal()];
        if (b == null || b.length < n) {
            b = new float[Math.max(n, b == null ? 0 : b.length + b.length / 2)];
            all[ordinal()] = b;
        }
        return b;
    }
}
