package ai.ominix.kernel.cpu;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix {@code W[rows, cols]} in its stored format, as the linear layers read it:
 * {@code y = x · Wᵀ}. Each format (f32, bf16/f16, 8-bit, 4-bit, other bit widths) supplies a
 * matrix-vector kernel that reads the stored bytes directly (decode: one activation row) and a
 * row decoder that feeds the shared {@link Gemm} panels (prefill, encoder: many rows).
 */
abstract class RowMatrix implements Gemm.BSource {

    final int rows;
    final int cols;

    RowMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * The activation row {@code x[0, cols)} rearranged the way {@link #matvec} reads it (e.g. with
     * per-group sums appended). Default: as is.
     */
    float[] prepare(float[] x) {
        return x;
    }

    /** Equal for two weights of the same width whose {@link #prepare} gives the same array (so it can be shared). */
    Object preparedKey() {
        return RowMatrix.class;
    }

    /** {@code y[r] = Σ_k x[k]·W[r, k]} for {@code r ∈ [r0, r1)}, written as f32 at {@code yByte + 4r}. */
    abstract void matvec(float[] prepared, MemorySegment y, long yByte, int r0, int r1);

    /** Writes {@code W[r, k0 .. k0+n)} as f32 to {@code dst[off ..]}. */
    abstract void decodeRow(int r, int k0, int n, float[] dst, int off);

    @Override
    public final void packB(int n0, int nc, int k0, int kc, float[] dst) {
        float[] row = Scratch.ROW.get(kc);
        for (int j = 0; j < nc; j++) {
            decodeRow(n0 + j, k0, kc, row, 0);
            for (int k = 0, o = j; k < kc; k++, o += Gemm.NR) dst[o] = row[k];
        }
        for (int j = nc; j < Gemm.NR; j++) {
            for (int k = 0, o = j; k < kc; k++, o += Gemm.NR) dst[o] = 0f;
        }
    }
}
