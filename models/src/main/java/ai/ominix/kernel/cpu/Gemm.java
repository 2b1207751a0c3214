package ai.ominix.kernel.cpu;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Packed f32 GEMM {@code C[M, N] = A[M, K] · B[N, K]ᵀ} in the GotoBLAS/BLIS shape: A is packed
 * per (MC × KC) block into MR-row slivers, B per (KC × NR) panel, and an MR × NR register-tile
 * micro-kernel (NR = two vectors of the preferred species) accumulates with FMAs. The packing
 * step is where each weight format converts or dequantizes, so every format shares this kernel
 * and no dequantized copy of a weight ever exists beyond one panel per thread. Work is split over
 * (M block, N range) tasks on the kernel pool.
 */
final class Gemm {

    static final int MR = 6;
    static final int NR = 2 * Vec.L;
    /** K block: a packed B panel (KC × NR floats, 16 KiB with 512-bit vectors) stays in L1; a multiple of every group size. */
    static final int KC = 128;
    /** M block: the packed A block (MC × KC floats, 240 KiB) stays in L2; prefill-sized M is one block, so B is packed once. */
    static final int MC = 80 * MR;

    /** Packs rows {@code [i0, i0+mc)} × columns {@code [k0, k0+kc)} of A into {@code dst[off + sliver·kc·MR + k·MR + r]}, zero rows past M. */
    interface ASource {
        void packA(int i0, int mc, int k0, int kc, float[] dst, int off);
    }

    /** Packs {@code B[n0 .. n0+nc, k0 .. k0+kc)ᵀ} into {@code dst[k][NR]}, zero columns from {@code nc} on. */
    interface BSource {
        void packB(int n0, int nc, int k0, int kc, float[] dst);
    }

    private Gemm() {}

    /** Runs the product, writing (not accumulating into) C rows of stride {@code ldc} floats; {@code pool} null = this thread only. */
    static void run(KernelPool pool, int m, int n, int k, ASource a, BSource b, MemorySegment c, long cByte, long ldc) {
        run(pool, m, n, k, a, b, new SegmentC(c, cByte, ldc));
    }

    /**
     * The same into a heap array (row i at {@code c[cOff + i·ldc]}), for callers whose results stay
     * on the heap (attention blocks). Not through {@code MemorySegment.ofArray}: a heap segment is a
     * third segment class, next to native activations and mapped weights, at the vector load and
     * store sites that every kernel shares, and C2 then compiles those accesses for any class:
     * measured, one-token attention over a 4K-token cache ran 2.2× slower in a JVM that had also run
     * a prefill (1.0 → 2.3 ms per layer).
     */
    static void run(KernelPool pool, int m, int n, int k, ASource a, BSource b, float[] c, int cOff, int ldc) {
        run(pool, m, n, k, a, b, new ArrayC(c, cOff, ldc));
    }

    private static void run(KernelPool pool, int m, int n, int k, ASource a, BSource b, COut c) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            c.zero(m, n);
            return;
        }
        int mBlocks = (m + MC - 1) / MC;
        int panels = (n + NR - 1) / NR;
        int threads = pool == null ? 1 : pool.threads();
        int nGroups = Math.min(panels, Math.max(1, (threads * 4 + mBlocks - 1) / mBlocks));
        // Several tasks share each M block: pack A once for all of them (it was packed once per task,
        // 7-10 % of a prefill GEMM's time) into one array laid out block by block.
        float[] shared = nGroups > 1 ? packAll(pool, m, k, a) : null;
        KernelPool.Body tasks = (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int mb = t / nGroups, ng = t % nGroups;
                int i0 = mb * MC, mc = Math.min(MC, m - i0);
                int p0 = (int) ((long) panels * ng / nGroups), p1 = (int) ((long) panels * (ng + 1) / nGroups);
                block(n, k, a, shared, b, c, i0, mc, p0, p1);
            }
        };
        if (pool == null) {
            tasks.run(0, mBlocks * nGroups);
        } else {
            pool.parallelFor(mBlocks * nGroups, 1, tasks);
        }
    }

    /** Where block (i0, k0)'s packed slivers start in {@link #packAll}'s array. */
    private static int sharedOffset(int i0, int mc, int k, int k0) {
        return i0 * k + (mc + MR - 1) / MR * MR * k0;   // MC is a multiple of MR, so earlier blocks fill i0·k floats
    }

    private static float[] packAll(KernelPool pool, int m, int k, ASource a) {
        int mBlocks = (m + MC - 1) / MC, kBlocks = (k + KC - 1) / KC;
        float[] all = Scratch.A_SHARED.get(((m + MR - 1) / MR * MR) * k);
        KernelPool.Body pack = (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int i0 = t / kBlocks * MC, mc = Math.min(MC, m - i0), k0 = t % kBlocks * KC;
                a.packA(i0, mc, k0, Math.min(KC, k - k0), all, sharedOffset(i0, mc, k, k0));
            }
        };
        if (pool == null) pack.run(0, mBlocks * kBlocks);
        else pool.parallelFor(mBlocks * kBlocks, 1, pack);
        return all;
    }

    private static void block(int n, int k, ASource a, float[] shared, BSource b, COut c, int i0, int mc, int p0, int p1) {
        int slivers = (mc + MR - 1) / MR;
        float[] ap = shared != null ? shared : Scratch.A_PACK.get(slivers * MR * KC);
        float[] bp = Scratch.B_PACK.get(KC * NR);
        float[] tile = Scratch.TILE.get(MR * NR);
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            int aOff = 0;
            if (shared != null) {
                aOff = sharedOffset(i0, mc, k, k0);
            } else {
                a.packA(i0, mc, k0, kc, ap, 0);
            }
            for (int p = p0; p < p1; p++) {
                int n0 = p * NR, nc = Math.min(NR, n - n0);
                b.packB(n0, nc, k0, kc, bp);
                for (int s = 0; s < slivers; s++) {
                    int row = i0 + s * MR;
                    kernel(ap, aOff + s * kc * MR, bp, kc, tile);
                    c.flush(tile, row, n0, Math.min(MR, i0 + mc - row), nc, k0 > 0);
                }
            }
        }
    }

    /**
     * The MR × NR register tile: 12 accumulators, one broadcast of A and two loads of B per k.
     * It ends by spilling the tile to {@code tile} (a heap array) so that nothing but vector
     * intrinsics is called while the accumulators are live (a call taking vectors would box them).
     */
    static void kernel(float[] a, int ao, float[] b, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(Vec.F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int ai = ao, bi = 0;
        for (int kk = 0; kk < kc; kk++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(Vec.F, b, bi), b1 = FloatVector.fromArray(Vec.F, b, bi + Vec.L);
            FloatVector x = FloatVector.broadcast(Vec.F, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(Vec.F, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(Vec.F, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(Vec.F, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(Vec.F, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(Vec.F, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int l = Vec.L;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, l);
        c10.intoArray(tile, 2 * l);
        c11.intoArray(tile, 3 * l);
        c20.intoArray(tile, 4 * l);
        c21.intoArray(tile, 5 * l);
        c30.intoArray(tile, 6 * l);
        c31.intoArray(tile, 7 * l);
        c40.intoArray(tile, 8 * l);
        c41.intoArray(tile, 9 * l);
        c50.intoArray(tile, 10 * l);
        c51.intoArray(tile, 11 * l);
    }

    /** Where C goes: {@link #flush} writes (or adds) the first {@code mr} rows and {@code nc} columns of a tile at (row, col). */
    private sealed interface COut {
        void flush(float[] tile, int row, int col, int mr, int nc, boolean accumulate);

        void zero(int m, int n);
    }

    private record SegmentC(MemorySegment c, long cByte, long ldc) implements COut {
        @Override
        public void flush(float[] tile, int row0, int col, int mr, int nc, boolean accumulate) {
            for (int r = 0; r < mr; r++) {
                long row = cByte + 4L * ((row0 + r) * ldc + col);
                int t = r * NR;
                if (nc == NR) {
                    FloatVector v0 = FloatVector.fromArray(Vec.F, tile, t), v1 = FloatVector.fromArray(Vec.F, tile, t + Vec.L);
                    if (accumulate) {
                        v0 = v0.add(Vec.load(c, row));
                        v1 = v1.add(Vec.load(c, row + 4L * Vec.L));
                    }
                    v0.intoMemorySegment(c, row, Vec.LE);
                    v1.intoMemorySegment(c, row + 4L * Vec.L, Vec.LE);
                } else {
                    for (int j = 0; j < nc; j++) {
                        float v = tile[t + j];
                        if (accumulate) v += c.get(Elements.F32, row + 4L * j);
                        c.set(Elements.F32, row + 4L * j, v);
                    }
                }
            }
        }

        @Override
        public void zero(int m, int n) {
            for (int i = 0; i < m; i++) c.asSlice(cByte + 4L * i * ldc, 4L * n).fill((byte) 0);
        }
    }

    private record ArrayC(float[] c, int cOff, int ldc) implements COut {
        @Override
        public void flush(float[] tile, int row0, int col, int mr, int nc, boolean accumulate) {
            for (int r = 0; r < mr; r++) {
                int row = cOff + (row0 + r) * ldc + col;
                int t = r * NR;
                if (nc == NR) {
                    FloatVector v0 = FloatVector.fromArray(Vec.F, tile, t), v1 = FloatVector.fromArray(Vec.F, tile, t + Vec.L);
                    if (accumulate) {
                        v0 = v0.add(FloatVector.fromArray(Vec.F, c, row));
                        v1 = v1.add(FloatVector.fromArray(Vec.F, c, row + Vec.L));
                    }
                    v0.intoArray(c, row);
                    v1.intoArray(c, row + Vec.L);
                } else {
                    for (int j = 0; j < nc; j++) c[row + j] = accumulate ? c[row + j] + tile[t + j] : tile[t + j];
                }
            }
        }

        @Override
        public void zero(int m, int n) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
    }

    /** A as a row-major f32 matrix in a segment (element {@code (i, k)} at byte {@code base + 4·(i·lda + k)}). */
    static ASource denseA(MemorySegment s, long base, long lda, int m) {
        return (i0, mc, k0, kc, dst, off) -> {
            float[] row = Scratch.ROW.get(kc);
            int slivers = (mc + MR - 1) / MR;
            for (int sl = 0; sl < slivers; sl++) {
                int out = off + sl * kc * MR;
                for (int r = 0; r < MR; r++) {
                    int i = i0 + sl * MR + r;
                    if (i < i0 + mc && i < m) {
                        Vec.toArray(s, base + 4L * (i * lda + k0), row, 0, kc);
                        for (int kk = 0; kk < kc; kk++) dst[out + kk * MR + r] = row[kk];
                    } else {
                        for (int kk = 0; kk < kc; kk++) dst[out + kk * MR + r] = 0f;
                    }
                }
            }
        };
    }

    /** A as a row-major f32 matrix on the heap (element {@code (i, k)} at {@code a[off + i·lda + k]}). */
    static ASource heapA(float[] a, int off, int lda, int m) {
        return (i0, mc, k0, kc, dst, dstOff) -> {
            int slivers = (mc + MR - 1) / MR;
            for (int sl = 0; sl < slivers; sl++) {
                int out = dstOff + sl * kc * MR;
                for (int r = 0; r < MR; r++) {
                    int i = i0 + sl * MR + r;
                    if (i < i0 + mc && i < m) {
                        for (int kk = 0, src = off + i * lda + k0; kk < kc; kk++) dst[out + kk * MR + r] = a[src + kk];
                    } else {
                        for (int kk = 0; kk < kc; kk++) dst[out + kk * MR + r] = 0f;
                    }
                }
            }
        };
    }

    /** B given as a row-major f32 {@code [K, N]} matrix (plain matmul), element {@code (k, j)} at {@code base + 4·(k·ldb + j)}. */
    static BSource kMajorB(MemorySegment s, long base, long ldb) {
        return (n0, nc, k0, kc, dst) -> {
            for (int kk = 0; kk < kc; kk++) {
                Vec.toArray(s, base + 4L * ((k0 + kk) * ldb + n0), dst, kk * NR, nc);
                for (int j = nc; j < NR; j++) dst[kk * NR + j] = 0f;
            }
        };
    }
}
