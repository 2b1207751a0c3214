package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The matrix products: {@code linear} / {@code quantizedMatmul} ({@code x · Wᵀ} on weights as
 * stored), plain batched {@code matmul}, and {@code dequantize}. One activation row (decode) runs
 * the format's matrix-vector kernel split over output rows, a few rows the few-rows kernel (8/4-bit)
 * or the matvec per row, more rows the packed GEMM. Up to {@link #ROW_EXACT_ROWS} rows, a row's
 * result does not depend on the other rows of the call.
 */
final class Linear {

    /**
     * Up to this many activation rows, formats without a few-rows kernel stream the weights once per
     * row through the matvec: then every row of a call up to this size gets exactly the bits it gets
     * alone, as the few-rows kernel guarantees for 8- and 4-bit weights up to {@link #FEW_ROWS}. A
     * batched decode step of up to this many sequences relies on it.
     */
    static final int ROW_EXACT_ROWS = 16;
    /**
     * Up to this many rows, 8- and 4-bit weights go through {@link LaneRows#matmulFew} (each weight
     * read and widened once per call) instead of the packed GEMM, whose per-call cost of dequantizing
     * every weight into panels dominates short prompts. Measured on 4096×4096 weights, 2 threads:
     * 5.9× faster at 2 rows, 2.4× at 16, 1.25× at 48, even at 64 (8-bit; 4-bit: 13× .. 1.6×); past
     * that the activation rows no longer fit in L2 and the GEMM wins.
     */
    static final int FEW_ROWS = 64;

    private Linear() {}

    /** A {@link RowMatrix} over tensors, plus any contiguous copies made for it (closed with it). */
    record Weight(RowMatrix m, List<CpuTensor> temps) implements AutoCloseable {
        @Override
        public void close() {
            temps.forEach(CpuTensor::close);
        }
    }

    static Weight dense(CpuTensor w) {
        if (w.shape.length != 2 || !w.dtype.isFloating()) {
            throw new KernelException("linear weight must be a 2-D float matrix [out, in], got " + Tensor.describe(w));
        }
        List<CpuTensor> temps = new ArrayList<>(1);
        CpuTensor c = contiguous(w, temps);
        return new Weight(new DenseRows(c.segment(), c.byteOffset(), c.dtype, w.shape[0], w.shape[1]), temps);
    }

    static Weight quantized(CpuBackend be, QuantizedWeight q) {
        CpuTensor p = be.cpu(q.packed()), s = be.cpu(q.scales()), b = be.cpu(q.biases());
        List<CpuTensor> temps = new ArrayList<>(3);
        p = contiguous(p, temps);
        if (!s.dtype.isFloating() || s.dtype != b.dtype) {
            s = ShapeOps.copy(s, DType.F32);
            temps.add(s);
            b = ShapeOps.copy(b, DType.F32);
            temps.add(b);
        } else {
            s = contiguous(s, temps);
            b = contiguous(b, temps);
        }
        int rows = q.outFeatures(), cols = q.inFeatures(), g = q.groupSize();
        RowMatrix m;
        if (q.bits() == 8 && LaneRows.supports(8, g)) {
            m = new Q8Rows(p.segment(), p.byteOffset(), s.segment(), s.byteOffset(), b.segment(), b.byteOffset(), s.dtype, rows, cols, g);
        } else if (q.bits() == 4 && LaneRows.supports(4, g)) {
            m = new Q4Rows(p.segment(), p.byteOffset(), s.segment(), s.byteOffset(), b.segment(), b.byteOffset(), s.dtype, rows, cols, g);
        } else {
            m = new QuantRows(p.segment(), p.byteOffset(), s.segment(), s.byteOffset(), b.segment(), b.byteOffset(), s.dtype,
                    rows, cols, q.bits(), g);
        }
        return new Weight(m, temps);
    }

    private static CpuTensor contiguous(CpuTensor t, List<CpuTensor> temps) {
        if (t.isContiguous()) return t;
        CpuTensor c = ShapeOps.copy(t, t.dtype);
        temps.add(c);
        return c;
    }

    /** {@code x [..., K] · Wᵀ (+ bias) → [..., N]}. */
    static CpuTensor linear(CpuBackend be, CpuTensor x, RowMatrix w, CpuTensor bias) {
        int k = x.shape.length == 0 ? 1 : x.shape[x.shape.length - 1];
        if (x.shape.length == 0 || k != w.cols) {
            throw new KernelException("linear: input " + Tensor.describe(x) + " does not match weight [" + w.rows + ", " + w.cols + "]");
        }
        if (bias != null && bias.elementCount() != w.rows) {
            throw new KernelException("linear: bias " + Tensor.describe(bias) + " for " + w.rows + " outputs");
        }
        int n = w.rows;
        int[] shape = x.shape.clone();
        shape[shape.length - 1] = n;
        long m = x.elementCount() / Math.max(1, k);
        CpuTensor out = be.allocate(DType.F32, shape);
        try (F32Data xd = F32Data.of(x); F32Data bd = bias == null ? null : F32Data.of(bias)) {
            MemorySegment os = out.segment();
            long ob = out.byteOffset();
            if (rowParallel(m, w)) {
                rowPass(be, xd, (int) m, k, new RowMatrix[] {w}, new CpuTensor[] {out});
            } else if (m <= ROW_EXACT_ROWS) {
                float[] xv = Scratch.VECTOR_X.get(k);
                int grain = Math.max(1, (1 << 15) / Math.max(1, k));
                for (long r = 0; r < m; r++) {
                    Vec.toArray(xd.seg, xd.at(r * k), xv, 0, k);
                    float[] px = w.prepare(xv);
                    long yb = ob + 4L * r * n;
                    be.kernels().parallelFor(n, grain, (lo, hi) -> w.matvec(px, os, yb, lo, hi));
                }
            } else {
                Gemm.run(be.kernels(), (int) m, n, k, Gemm.denseA(xd.seg, xd.at(0), k, (int) m), w, os, ob, n);
            }
            if (bd != null) addRows(os, ob, m, n, bd);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * {@code x · W_iᵀ} for weights that share the input: one parallel pass over all their rows when
     * each can take its rows alone ({@link #rowParallel}), else {@link #linear} on each.
     */
    static CpuTensor[] linearMany(CpuBackend be, CpuTensor x, RowMatrix[] ws) {
        CpuTensor[] outs = new CpuTensor[ws.length];
        int k = x.shape.length == 0 ? 1 : x.shape[x.shape.length - 1];
        long m = x.elementCount() / Math.max(1, k);
        boolean together = ws.length > 1 && x.shape.length > 0;
        for (RowMatrix w : ws) together &= w.cols == k && rowParallel(m, w);
        try {
            if (!together) {
                for (int i = 0; i < ws.length; i++) outs[i] = linear(be, x, ws[i], null);
                return outs;
            }
            for (int i = 0; i < ws.length; i++) {
                int[] shape = x.shape.clone();
                shape[shape.length - 1] = ws[i].rows;
                outs[i] = be.allocate(DType.F32, shape);
            }
            try (F32Data xd = F32Data.of(x)) {
                rowPass(be, xd, (int) m, k, ws, outs);
            }
            return outs;
        } catch (RuntimeException e) {
            for (CpuTensor o : outs) if (o != null) o.close();
            throw e;
        }
    }

    /** Whether {@code m} activation rows through {@code w} split over output rows: a matvec, or the few-rows kernel. */
    private static boolean rowParallel(long m, RowMatrix w) {
        return m == 1 || m <= FEW_ROWS && w instanceof LaneRows;
    }

    /**
     * {@code outs[i] = x · ws[i]ᵀ} ({@code m} rows, all {@link #rowParallel}) as one parallel loop over
     * the weights' concatenated output rows: one wake-up and one wait for all of them. Weights whose
     * kernels read x in the same prepared form share one preparation.
     */
    private static void rowPass(CpuBackend be, F32Data xd, int m, int k, RowMatrix[] ws, CpuTensor[] outs) {
        float[][] px = new float[ws.length][];
        int[] first = new int[ws.length + 1];
        for (int i = 0; i < ws.length; i++) {
            first[i + 1] = first[i] + ws[i].rows;
            for (int j = 0; j < i && px[i] == null; j++) {
                if (ws[j].preparedKey().equals(ws[i].preparedKey())) px[i] = px[j];
            }
            if (px[i] == null) px[i] = prepare(ws[i], xd, m, k, i == 0);
        }
        int grain = Math.max(1, (m == 1 ? 1 << 15 : 1 << 13) / Math.max(1, k));
        be.kernels().parallelFor(first[ws.length], grain, (lo, hi) -> {
            for (int i = 0; i < ws.length; i++) {
                int a = Math.max(lo, first[i]) - first[i], b = Math.min(hi, first[i + 1]) - first[i];
                if (a >= b) continue;
                RowMatrix w = ws[i];
                MemorySegment os = outs[i].segment();
                long ob = outs[i].byteOffset();
                if (m == 1) {
                    w.matvec(px[i], os, ob, a, b);
                } else {
                    ((LaneRows) w).matmulFew(px[i], m, os, ob, 4L * w.rows, a, b);
                }
            }
        });
    }

    /** The {@code m} rows of x in the form {@code w}'s kernel reads (in this thread's scratch when {@code scratch}). */
    private static float[] prepare(RowMatrix w, F32Data xd, int m, int k, boolean scratch) {
        float[] xv = Scratch.VECTOR_X.get(k);
        if (w instanceof LaneRows lanes) {
            int ps = lanes.preparedStride();
            float[] px = scratch ? Scratch.FEW_X.get(m * ps) : new float[m * ps];
            for (int r = 0; r < m; r++) {
                Vec.toArray(xd.seg, xd.at((long) r * k), xv, 0, k);
                lanes.prepareInto(xv, 0, px, r * ps);
            }
            return px;
        }
        Vec.toArray(xd.seg, xd.at(0), xv, 0, k);   // m == 1: the other formats read x as is
        float[] px = w.prepare(xv);
        return scratch && px != xv ? px : px.clone();
    }

    private static void addRows(MemorySegment s, long base, long m, int n, F32Data b) {
        for (long r = 0; r < m; r++) {
            long row = base + 4L * r * n;
            int j = 0;
            for (; j <= n - Vec.L; j += Vec.L) {
                Vec.load(s, row + 4L * j).add(Vec.load(b.seg, b.at(j))).intoMemorySegment(s, row + 4L * j, Vec.LE);
            }
            for (; j < n; j++) s.set(Elements.F32, row + 4L * j, s.get(Elements.F32, row + 4L * j) + b.get(j));
        }
    }

    static CpuTensor dequantize(CpuBackend be, QuantizedWeight q) {
        try (Weight w = quantized(be, q)) {
            RowMatrix m = w.m();
            CpuTensor out = be.allocate(DType.F32, new int[] {m.rows, m.cols});
            MemorySegment os = out.segment();
            be.kernels().parallelFor(m.rows, Math.max(1, 4096 / Math.max(1, m.cols)), (lo, hi) -> {
                float[] row = Scratch.B_PACK.get(m.cols);
                for (int r = lo; r < hi; r++) {
                    m.decodeRow(r, 0, m.cols, row, 0);
                    MemorySegment.copy(row, 0, os, Elements.F32, out.byteOffset() + 4L * r * m.cols, m.cols);
                }
            });
            return out;
        }
    }

    /** Batched {@code [..., M, K] × [..., K, N]} with broadcast leading dimensions. */
    static CpuTensor matmul(CpuBackend be, CpuTensor a, CpuTensor b) {
        if (a.shape.length < 2 || b.shape.length < 2) {
            throw new KernelException("matmul needs rank >= 2 operands, got " + Tensor.describe(a) + " and " + Tensor.describe(b));
        }
        int ra = a.shape.length, rb = b.shape.length;
        int m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
        if (b.shape[rb - 2] != k) {
            throw new KernelException("matmul: " + Tensor.describe(a) + " x " + Tensor.describe(b) + ": inner dimensions differ");
        }
        int[] batchA = java.util.Arrays.copyOf(a.shape, ra - 2), batchB = java.util.Arrays.copyOf(b.shape, rb - 2);
        int[] batch = Shapes.broadcast(batchA, batchB);
        int[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        long[] sa = Shapes.broadcastStrides(batchA, Shapes.contiguousStrides(batchA), batch);
        long[] sbs = Shapes.broadcastStrides(batchB, Shapes.contiguousStrides(batchB), batch);
        int batches = (int) Shapes.product(batch);
        CpuTensor out = be.allocate(DType.F32, shape);
        try (F32Data ad = F32Data.of(a); F32Data bd = F32Data.of(b)) {
            MemorySegment os = out.segment();
            boolean perBatch = batches >= be.kernels().threads() && (long) m * n * k < (1L << 22);
            KernelPool inner = perBatch ? null : be.kernels();
            KernelPool.Body body = (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    long ia = offset(t, batch, sa) * m * k, ib = offset(t, batch, sbs) * k * n;
                    Gemm.run(inner, m, n, k, Gemm.denseA(ad.seg, ad.at(ia), k, m), Gemm.kMajorB(bd.seg, bd.at(ib), n), os,
                            out.byteOffset() + 4L * t * m * n, n);
                }
            };
            if (perBatch) be.kernels().parallelFor(batches, 1, body);
            else body.run(0, batches);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static long offset(long t, int[] shape, long[] strides) {
        long off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (t % shape[d]) * strides[d];
            t /= shape[d];
        }
        return off;
    }
}
