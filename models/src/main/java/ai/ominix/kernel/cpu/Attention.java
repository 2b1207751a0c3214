package ai.ominix.kernel.cpu;

import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Scaled dot-product attention with an online (flash-style) softmax over blocks of keys, so memory
 * stays O(rows × block) at any context length. All query heads that share a KV head are processed
 * together, so each K/V row is read once per group (GQA). K and V are read in place through their
 * strides (a KV cache sliced to its filled length is not copied). When there are fewer
 * (batch, KV head, query block) tasks than threads, the keys are split too and the partial
 * softmax states are merged (flash-decoding), so one decode step uses every core.
 */
final class Attention {

    private static final int KEY_BLOCK = 512;
    private static final int MAX_ROWS = 64;
    private static final int MIN_KEYS_PER_SPLIT = 256;
    /** From this many query rows per task, Q·Kᵀ and P·V run as small GEMMs instead of dot products. */
    private static final int GEMM_ROWS = 8;

    private Attention() {}

    /** Rows of a rank-4 tensor whose last axis is contiguous. */
    private record Rows(MemorySegment seg, long offset, long s0, long s1, long s2) {
        long at(int b, int h, int l) {
            return 4L * (offset + b * s0 + h * s1 + l * s2);
        }
    }

    static CpuTensor sdpa(CpuBackend be, CpuTensor q, CpuTensor k, CpuTensor v, float scale, AttentionMask mask) {
        if (q.shape.length != 4 || k.shape.length != 4 || v.shape.length != 4) {
            throw new KernelException("attention needs rank-4 q, k, v; got " + Tensor.describe(q) + ", " + Tensor.describe(k) + ", "
                    + Tensor.describe(v));
        }
        int bsz = q.shape[0], hq = q.shape[1], lq = q.shape[2], d = q.shape[3];
        int hkv = k.shape[1], lk = k.shape[2], dv = v.shape[3];
        if (k.shape[0] != bsz || v.shape[0] != bsz || k.shape[3] != d || v.shape[1] != hkv || v.shape[2] != lk
                || hkv == 0 || hq % hkv != 0) {
            throw new KernelException("attention shapes do not match: q " + Tensor.describe(q) + ", k " + Tensor.describe(k) + ", v "
                    + Tensor.describe(v));
        }
        List<CpuTensor> temps = new ArrayList<>(4);
        CpuTensor out = be.allocate(DType.F32, new int[] {bsz, hq, lq, dv});
        try {
            Rows qr = rows(q, temps), kr = rows(k, temps), vr = rows(v, temps);
            Rows mr = null;
            long maskJ = 0;
            if (mask instanceof AttentionMask.Additive add) {
                CpuTensor m = be.cpu(add.mask());
                if (m.dtype != DType.F32) {
                    m = ShapeOps.copy(m, DType.F32);
                    temps.add(m);
                }
                long[] st = Shapes.broadcastStrides(m.shape, m.strides, new int[] {bsz, hq, lq, lk});
                mr = new Rows(m.segment(), m.offset, st[0], st[1], st[2]);
                maskJ = st[3];
            }
            run(be, qr, kr, vr, mr, maskJ, mask instanceof AttentionMask.Causal, scale, out, bsz, hq, hkv, lq, lk, d, dv);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        } finally {
            temps.forEach(CpuTensor::close);
        }
        return out;
    }

    private static Rows rows(CpuTensor t, List<CpuTensor> temps) {
        if (t.dtype != DType.F32 || t.strides[3] != 1 && t.shape[3] > 1) {
            t = ShapeOps.copy(t, DType.F32);
            temps.add(t);
        }
        return new Rows(t.segment(), t.offset, t.strides[0], t.strides[1], t.strides[2]);
    }

    private static void run(CpuBackend be, Rows q, Rows k, Rows v, Rows mask, long maskJ, boolean causal, float scale,
                            CpuTensor out, int bsz, int hq, int hkv, int lq, int lk, int d, int dv) {
        int group = hq / hkv;
        int qb = Math.max(1, Math.min(lq, MAX_ROWS / group));
        int qBlocks = (lq + qb - 1) / qb;
        int base = bsz * hkv * qBlocks;
        int threads = be.kernels().threads();
        int splits = base >= threads * 2 ? 1 : Math.max(1, Math.min((threads * 2 + base - 1) / base, lk / MIN_KEYS_PER_SPLIT));
        int rowsMax = group * qb;
        int partial = rowsMax * dv + 2 * rowsMax;
        float[] partials = splits > 1 ? new float[base * splits * partial] : null;
        MemorySegment os = out.segment();
        Job job = new Job(q, k, v, mask, maskJ, causal, scale, os, hq, hkv, lq, lk, d, dv, group, qb, splits, partials, partial);
        be.kernels().parallelFor(base * splits, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) job.task(t / splits, t % splits);
        });
        if (splits > 1) be.kernels().parallelFor(base, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) job.merge(t);
        });
    }

    private record Job(Rows q, Rows k, Rows v, Rows mask, long maskJ, boolean causal, float scale, MemorySegment out,
                       int hq, int hkv, int lq, int lk, int d, int dv, int group, int qb, int splits, float[] partials,
                       int partial) {

        private int qBlocks() {
            return (lq + qb - 1) / qb;
        }

        void task(int t, int split) {
            int qblk = t % qBlocks(), kvh = (t / qBlocks()) % hkv, b = t / (qBlocks() * hkv);
            int i0 = qblk * qb, nq = Math.min(qb, lq - i0), rows = group * nq;
            float[] qs = Scratch.ATTN_Q.get(rows * d);
            float[] o = Scratch.ATTN_O.get(rows * dv);
            float[] st = Scratch.ATTN_STATS.get(2 * rows); // running max, running sum
            float[] s = Scratch.ATTN_S.get(rows * KEY_BLOCK);
            for (int r = 0; r < rows; r++) {
                int h = kvh * group + r / nq, i = i0 + r % nq;
                Vec.toArray(q.seg, q.at(b, h, i), qs, r * d, d);
                for (int x = 0; x < d; x++) qs[r * d + x] *= scale;
                st[r] = Float.NEGATIVE_INFINITY;
                st[rows + r] = 0f;
            }
            java.util.Arrays.fill(o, 0, rows * dv, 0f);
            int j0 = (int) ((long) lk * split / splits), j1 = (int) ((long) lk * (split + 1) / splits);
            if (causal) j1 = Math.min(j1, lk - lq + i0 + nq); // no row of this block sees keys past its last position
            for (int kb = j0; kb < j1; kb += KEY_BLOCK) {
                int kn = Math.min(KEY_BLOCK, j1 - kb);
                boolean gemm = rows >= GEMM_ROWS;
                if (gemm) {
                    scoresGemm(b, kvh, i0, nq, rows, kb, kn, qs, s);
                } else {
                    scores(b, kvh, i0, nq, rows, kb, kn, qs, s);
                }
                for (int r = 0; r < rows; r++) softmaxStep(s, r * KEY_BLOCK, kn, st, rows, r, o, r * dv, dv);
                if (gemm) {
                    valuesGemm(b, kvh, rows, kb, kn, s, o);
                } else {
                    values(b, kvh, rows, kb, kn, s, o);
                }
            }
            if (splits == 1) {
                for (int r = 0; r < rows; r++) {
                    int h = kvh * group + r / nq, i = i0 + r % nq;
                    float l = st[rows + r], inv = l > 0 ? 1f / l : 0f;
                    long dst = 4L * ((((long) b * hq + h) * lq + i) * dv);
                    for (int x = 0; x < dv; x++) out.set(Elements.F32, dst + 4L * x, o[r * dv + x] * inv);
                }
            } else {
                int at = (t * splits + split) * partial;
                System.arraycopy(o, 0, partials, at, rows * dv);
                System.arraycopy(st, 0, partials, at + group * qb * dv, rows);
                System.arraycopy(st, rows, partials, at + group * qb * dv + group * qb, rows);
            }
        }

        /** Scores of a block as one GEMM {@code Q·Kᵀ} (the key rows of the cache are the "weight" rows), then masks. */
        private void scoresGemm(int b, int kvh, int i0, int nq, int rows, int kb, int kn, float[] qs, float[] s) {
            RowMatrix keys = new DenseRows(k.seg, k.at(b, kvh, kb), 4L * k.s2, DType.F32, kn, d);
            Gemm.run(null, rows, kn, d, Gemm.heapA(qs, 0, d, rows), keys, s, 0, KEY_BLOCK);
            if (!causal && mask == null) return;
            for (int r = 0; r < rows; r++) {
                int i = i0 + r % nq, h = kvh * group + r / nq;
                for (int j = 0; j < kn; j++) {
                    int key = kb + j;
                    if (causal && key > lk - lq + i) {
                        s[r * KEY_BLOCK + j] = Float.NEGATIVE_INFINITY;
                    } else if (mask != null) {
                        s[r * KEY_BLOCK + j] += mask.seg.getAtIndex(Elements.F32,
                                mask.offset + b * mask.s0 + h * mask.s1 + i * mask.s2 + key * maskJ);
                    }
                }
            }
        }

        /** {@code o += P·V} for a block, as one GEMM with the value rows read in place. */
        private void valuesGemm(int b, int kvh, int rows, int kb, int kn, float[] s, float[] o) {
            float[] t = Scratch.ATTN_T.get(rows * dv);
            Gemm.run(null, rows, dv, kn, Gemm.heapA(s, 0, KEY_BLOCK, rows),
                    Gemm.kMajorB(v.seg, v.at(b, kvh, kb), v.s2), t, 0, dv);
            int n = rows * dv, x = 0;
            for (; x <= n - Vec.L; x += Vec.L) {
                FloatVector.fromArray(Vec.F, o, x).add(FloatVector.fromArray(Vec.F, t, x)).intoArray(o, x);
            }
            for (; x < n; x++) o[x] += t[x];
        }

        /**
         * Scores of a block by dot products: query rows in pairs and keys in fours, so each key
         * vector is loaded once per pair and each query vector once per four keys.
         */
        private void scores(int b, int kvh, int i0, int nq, int rows, int kb, int kn, float[] qs, float[] s) {
            int kq = kn / 4;                      // keys j, j+kq, j+2kq, j+3kq: four long streams (see LaneRows)
            long stride = 4L * k.s2 * kq;
            for (int j = 0; j < kq; j++) {
                long krow = k.at(b, kvh, kb + j);
                int r = 0;
                for (; r + 1 < rows; r += 2) dot4x2(qs, r * d, (r + 1) * d, k.seg, krow, stride, d, s, r * KEY_BLOCK + j, (r + 1) * KEY_BLOCK + j, kq);
                if (r < rows) {
                    for (int t = 0; t < 4; t++) s[r * KEY_BLOCK + j + t * kq] = Vec.dot(qs, r * d, k.seg, krow + t * stride, d);
                }
            }
            for (int j = 4 * kq; j < kn; j++) {
                long krow = k.at(b, kvh, kb + j);
                for (int r = 0; r < rows; r++) s[r * KEY_BLOCK + j] = Vec.dot(qs, r * d, k.seg, krow, d);
            }
            masks(b, kvh, i0, nq, rows, kb, kn, s);
        }

        /** Causal and additive masks applied to a block of scores. */
        private void masks(int b, int kvh, int i0, int nq, int rows, int kb, int kn, float[] s) {
            if (!causal && mask == null) return;
            for (int r = 0; r < rows; r++) {
                int i = i0 + r % nq, h = kvh * group + r / nq;
                for (int j = 0; j < kn; j++) {
                    int key = kb + j;
                    if (causal && key > lk - lq + i) {
                        s[r * KEY_BLOCK + j] = Float.NEGATIVE_INFINITY;
                    } else if (mask != null) {
                        s[r * KEY_BLOCK + j] += mask.seg.getAtIndex(Elements.F32,
                                mask.offset + b * mask.s0 + h * mask.s1 + i * mask.s2 + key * maskJ);
                    }
                }
            }
        }

        /** {@code o += P·V} for a block by rows of V: query rows in pairs, four value rows per pass over o. */
        private void values(int b, int kvh, int rows, int kb, int kn, float[] s, float[] o) {
            int kq = kn / 4;                      // value rows j, j+kq, j+2kq, j+3kq: four long streams
            long stride = 4L * v.s2 * kq;
            for (int j = 0; j < kq; j++) {
                long vrow = v.at(b, kvh, kb + j);
                int r = 0;
                for (; r + 1 < rows; r += 2) {
                    values4x2(s, r * KEY_BLOCK + j, (r + 1) * KEY_BLOCK + j, kq, v.seg, vrow, stride, o, r * dv, (r + 1) * dv, dv);
                }
                if (r < rows) {
                    for (int t = 0; t < 4; t++) axpy(s[r * KEY_BLOCK + j + t * kq], v.seg, vrow + t * stride, o, r * dv, dv);
                }
            }
            for (int j = 4 * kq; j < kn; j++) {
                long vrow = v.at(b, kvh, kb + j);
                for (int r = 0; r < rows; r++) axpy(s[r * KEY_BLOCK + j], v.seg, vrow, o, r * dv, dv);
            }
        }

        /** Folds a block of scores into row r's running max / sum / output; leaves exp(score − max) in s. */
        private static void softmaxStep(float[] s, int so, int kn, float[] st, int rows, int r, float[] o, int oo, int dv) {
            int j = 0;
            FloatVector mv = FloatVector.broadcast(Vec.F, Float.NEGATIVE_INFINITY);
            for (; j <= kn - Vec.L; j += Vec.L) mv = mv.max(FloatVector.fromArray(Vec.F, s, so + j));
            float bm = mv.reduceLanes(VectorOperators.MAX);
            for (; j < kn; j++) bm = Math.max(bm, s[so + j]);
            float m = st[r], mNew = Math.max(m, bm);
            if (mNew == Float.NEGATIVE_INFINITY) { // everything masked so far
                java.util.Arrays.fill(s, so, so + kn, 0f);
                return;
            }
            float alpha = m == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m - mNew);
            FloatVector sum = FloatVector.zero(Vec.F);
            for (j = 0; j <= kn - Vec.L; j += Vec.L) {
                FloatVector e = Lanes.exp(FloatVector.fromArray(Vec.F, s, so + j).sub(mNew));
                e.intoArray(s, so + j);
                sum = sum.add(e);
            }
            float total = Lanes.sum(sum);
            for (; j < kn; j++) {
                float e = (float) Math.exp(s[so + j] - mNew);
                s[so + j] = e;
                total += e;
            }
            if (alpha != 1f) {
                for (int x = oo; x < oo + dv; x++) o[x] *= alpha;
            }
            st[rows + r] = st[rows + r] * alpha + total;
            st[r] = mNew;
        }

        void merge(int t) {
            int qblk = t % qBlocks(), kvh = (t / qBlocks()) % hkv, b = t / (qBlocks() * hkv);
            int i0 = qblk * qb, nq = Math.min(qb, lq - i0), rows = group * nq;
            int mOff = group * qb * dv, lOff = mOff + group * qb;
            for (int r = 0; r < rows; r++) {
                float mAll = Float.NEGATIVE_INFINITY;
                for (int sp = 0; sp < splits; sp++) mAll = Math.max(mAll, partials[(t * splits + sp) * partial + mOff + r]);
                int h = kvh * group + r / nq, i = i0 + r % nq;
                long dst = 4L * ((((long) b * hq + h) * lq + i) * dv);
                float l = 0;
                float[] acc = Scratch.ATTN_O.get(dv);
                java.util.Arrays.fill(acc, 0, dv, 0f);
                if (mAll != Float.NEGATIVE_INFINITY) {
                    for (int sp = 0; sp < splits; sp++) {
                        int at = (t * splits + sp) * partial;
                        float ms = partials[at + mOff + r];
                        if (ms == Float.NEGATIVE_INFINITY) continue;
                        float w = (float) Math.exp(ms - mAll);
                        l += w * partials[at + lOff + r];
                        for (int x = 0; x < dv; x++) acc[x] += w * partials[at + r * dv + x];
                    }
                }
                float inv = l > 0 ? 1f / l : 0f;
                for (int x = 0; x < dv; x++) out.set(Elements.F32, dst + 4L * x, acc[x] * inv);
            }
        }
    }

    /**
     * Scores of query rows a, b (at {@code q[qa ..]}, {@code q[qb ..]}) against four key rows
     * {@code stride} bytes apart from {@code row}: {@code s[sa + t·step]}, {@code s[sb + t·step]} for t = 0..3.
     */
    private static void dot4x2(float[] q, int qa, int qb, MemorySegment k, long row, long stride, int n, float[] s, int sa, int sb, int step) {
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int x = 0;
        for (; x <= n - Vec.L; x += Vec.L) {
            FloatVector xa = FloatVector.fromArray(Vec.F, q, qa + x), xb = FloatVector.fromArray(Vec.F, q, qb + x);
            long at = row + 4L * x;
            FloatVector k0 = Vec.load(k, at), k1 = Vec.load(k, at + stride), k2 = Vec.load(k, at + 2 * stride), k3 = Vec.load(k, at + 3 * stride);
            a0 = xa.fma(k0, a0);
            b0 = xb.fma(k0, b0);
            a1 = xa.fma(k1, a1);
            b1 = xb.fma(k1, b1);
            a2 = xa.fma(k2, a2);
            b2 = xb.fma(k2, b2);
            a3 = xa.fma(k3, a3);
            b3 = xb.fma(k3, b3);
        }
        s[sa] = Lanes.sum(a0);
        s[sa + step] = Lanes.sum(a1);
        s[sa + 2 * step] = Lanes.sum(a2);
        s[sa + 3 * step] = Lanes.sum(a3);
        s[sb] = Lanes.sum(b0);
        s[sb + step] = Lanes.sum(b1);
        s[sb + 2 * step] = Lanes.sum(b2);
        s[sb + 3 * step] = Lanes.sum(b3);
        for (; x < n; x++) {
            for (int t = 0; t < 4; t++) {
                float kx = k.get(Elements.F32, row + t * stride + 4L * x);
                s[sa + t * step] += q[qa + x] * kx;
                s[sb + t * step] += q[qb + x] * kx;
            }
        }
    }

    /**
     * {@code o[oa ..] += Σ_t s[sa + t·step]·v_t} and {@code o[ob ..] += Σ_t s[sb + t·step]·v_t} over four value
     * rows {@code stride} bytes apart from {@code row}: each output vector is loaded and stored once
     * per four keys.
     */
    private static void values4x2(float[] s, int sa, int sb, int step, MemorySegment v, long row, long stride, float[] o, int oa, int ob,
                                  int n) {
        FloatVector pa0 = FloatVector.broadcast(Vec.F, s[sa]), pa1 = FloatVector.broadcast(Vec.F, s[sa + step]);
        FloatVector pa2 = FloatVector.broadcast(Vec.F, s[sa + 2 * step]), pa3 = FloatVector.broadcast(Vec.F, s[sa + 3 * step]);
        FloatVector pb0 = FloatVector.broadcast(Vec.F, s[sb]), pb1 = FloatVector.broadcast(Vec.F, s[sb + step]);
        FloatVector pb2 = FloatVector.broadcast(Vec.F, s[sb + 2 * step]), pb3 = FloatVector.broadcast(Vec.F, s[sb + 3 * step]);
        int x = 0;
        for (; x <= n - Vec.L; x += Vec.L) {
            long at = row + 4L * x;
            FloatVector v0 = Vec.load(v, at), v1 = Vec.load(v, at + stride), v2 = Vec.load(v, at + 2 * stride), v3 = Vec.load(v, at + 3 * stride);
            FloatVector ya = FloatVector.fromArray(Vec.F, o, oa + x), yb = FloatVector.fromArray(Vec.F, o, ob + x);
            ya = v0.fma(pa0, ya);
            yb = v0.fma(pb0, yb);
            ya = v1.fma(pa1, ya);
            yb = v1.fma(pb1, yb);
            ya = v2.fma(pa2, ya);
            yb = v2.fma(pb2, yb);
            ya = v3.fma(pa3, ya);
            yb = v3.fma(pb3, yb);
            ya.intoArray(o, oa + x);
            yb.intoArray(o, ob + x);
        }
        for (; x < n; x++) {
            for (int t = 0; t < 4; t++) {
                float vx = v.get(Elements.F32, row + t * stride + 4L * x);
                o[oa + x] += s[sa + t * step] * vx;
                o[ob + x] += s[sb + t * step] * vx;
            }
        }
    }

    /** o[oo ..] += p · v[row ..] over n floats. */
    private static void axpy(float p, MemorySegment v, long row, float[] o, int oo, int n) {
        FloatVector pv = FloatVector.broadcast(Vec.F, p);
        int x = 0;
        for (; x <= n - Vec.L; x += Vec.L) {
            Vec.load(v, row + 4L * x).fma(pv, FloatVector.fromArray(Vec.F, o, oo + x)).intoArray(o, oo + x);
        }
        for (; x < n; x++) o[oo + x] += p * v.get(Elements.F32, row + 4L * x);
    }
}
