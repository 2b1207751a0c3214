package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Reductions along one axis. The input is seen as {@code [outer, n, inner]} with the reduced axis
 * in the middle; the common case {@code inner == 1} (last axis) runs vectorized over {@code n}.
 */
final class Reductions {

    private Reductions() {}

    enum Kind { SUM, MEAN, MAX, LOGSUMEXP, ARGMAX }

    static CpuTensor reduce(CpuBackend be, Kind kind, CpuTensor x, int axis, boolean keepDims) {
        int rank = x.shape.length;
        int a = Shapes.axis(axis, rank);
        int n = x.shape[a];
        long outer = Shapes.product(x.shape, 0, a), inner = Shapes.product(x.shape, a + 1, rank);
        int[] shape = keepDims ? x.shape.clone() : new int[rank - 1];
        if (keepDims) {
            shape[a] = 1;
        } else {
            System.arraycopy(x.shape, 0, shape, 0, a);
            System.arraycopy(x.shape, a + 1, shape, a, rank - a - 1);
        }
        if (n == 0 && kind != Kind.SUM) {
            throw new ai.ominix.kernel.KernelException(kind + " over an empty axis");
        }
        CpuTensor out = be.allocate(kind == Kind.ARGMAX ? DType.I32 : DType.F32, shape);
        try (F32Data in = F32Data.of(x)) {
            MemorySegment os = out.segment();
            long lines = outer * inner;
            be.kernels().parallelFor((int) lines, (int) Math.max(1, 8192 / Math.max(1, n)), (lo, hi) -> {
                for (int line = lo; line < hi; line++) {
                    long o = line / inner, i = line % inner;
                    long first = o * n * inner + i;
                    float r = inner == 1 ? contiguous(kind, in, first, n) : strided(kind, in, first, n, inner);
                    if (kind == Kind.ARGMAX) {
                        os.setAtIndex(Elements.I32, out.offset + line, (int) r);
                    } else {
                        os.setAtIndex(Elements.F32, out.offset + line, r);
                    }
                }
            });
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static float strided(Kind kind, F32Data in, long first, int n, long step) {
        switch (kind) {
            case SUM, MEAN -> {
                double s = 0;
                for (int j = 0; j < n; j++) s += in.get(first + j * step);
                return (float) (kind == Kind.MEAN ? s / n : s);
            }
            case MAX -> {
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) m = Math.max(m, in.get(first + j * step));
                return m;
            }
            case ARGMAX -> {
                int best = 0;
                float m = in.get(first);
                for (int j = 1; j < n; j++) {
                    float v = in.get(first + j * step);
                    if (v > m || Float.isNaN(v) && !Float.isNaN(m)) {
                        m = v;
                        best = j;
                    }
                }
                return best;
            }
            default -> {
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) m = Math.max(m, in.get(first + j * step));
                if (m == Float.NEGATIVE_INFINITY || Float.isInfinite(m)) return m;
                double s = 0;
                for (int j = 0; j < n; j++) s += Math.exp(in.get(first + j * step) - m);
                return (float) (m + Math.log(s));
            }
        }
    }

    private static float contiguous(Kind kind, F32Data in, long first, int n) {
        return switch (kind) {
            case SUM -> sum(in.seg, in.at(first), n);
            case MEAN -> sum(in.seg, in.at(first), n) / n;
            case MAX -> max(in.seg, in.at(first), n);
            case ARGMAX -> strided(kind, in, first, n, 1);
            case LOGSUMEXP -> {
                float m = max(in.seg, in.at(first), n);
                if (Float.isInfinite(m)) yield m;
                yield (float) (m + Math.log(expSum(in.seg, in.at(first), n, m, null, 0)));
            }
        };
    }

    static float sum(MemorySegment s, long byteOff, int n) {
        FloatVector acc = FloatVector.zero(Vec.F);
        int j = 0;
        for (; j <= n - Vec.L; j += Vec.L) acc = acc.add(Vec.load(s, byteOff + 4L * j));
        float r = Lanes.sum(acc);
        for (; j < n; j++) r += s.get(Elements.F32, byteOff + 4L * j);
        return r;
    }

    static float max(MemorySegment s, long byteOff, int n) {
        FloatVector acc = FloatVector.broadcast(Vec.F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j <= n - Vec.L; j += Vec.L) acc = acc.max(Vec.load(s, byteOff + 4L * j));
        float r = acc.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) r = Math.max(r, s.get(Elements.F32, byteOff + 4L * j));
        return r;
    }

    /** Σ exp(x − m); when {@code dst} is given also stores each exp(x − m) there. */
    static float expSum(MemorySegment s, long byteOff, int n, float m, MemorySegment dst, long dstOff) {
        FloatVector acc = FloatVector.zero(Vec.F);
        int j = 0;
        for (; j <= n - Vec.L; j += Vec.L) {
            FloatVector e = Lanes.exp(Vec.load(s, byteOff + 4L * j).sub(m));
            if (dst != null) e.intoMemorySegment(dst, dstOff + 4L * j, Vec.LE);
            acc = acc.add(e);
        }
        if (j < n) {
            VectorMask<Float> mask = Vec.F.indexInRange(j, n);
            FloatVector e = Lanes.exp(FloatVector.fromMemorySegment(Vec.F, s, byteOff + 4L * j, Vec.LE, mask).sub(m));
            if (dst != null) e.intoMemorySegment(dst, dstOff + 4L * j, Vec.LE, mask);
            acc = acc.add(e, mask);
        }
        return Lanes.sum(acc);
    }

    static CpuTensor softmax(CpuBackend be, CpuTensor x, int axis) {
        int rank = x.shape.length;
        int a = Shapes.axis(axis, rank);
        int n = x.shape[a];
        long outer = Shapes.product(x.shape, 0, a), inner = Shapes.product(x.shape, a + 1, rank);
        CpuTensor out = be.allocate(DType.F32, x.shape.clone());
        try (F32Data in = F32Data.of(x)) {
            MemorySegment os = out.segment();
            be.kernels().parallelFor((int) (outer * inner), (int) Math.max(1, 8192 / Math.max(1, n)), (lo, hi) -> {
                for (int line = lo; line < hi; line++) {
                    long o = line / inner, i = line % inner, first = o * n * inner + i;
                    long dst = out.offset + first;
                    if (inner == 1) {
                        float m = max(in.seg, in.at(first), n);
                        float sum = expSum(in.seg, in.at(first), n, m, os, dst * 4);
                        scaleInPlace(os, dst * 4, n, 1f / sum);
                    } else {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < n; j++) m = Math.max(m, in.get(first + j * inner));
                        double sum = 0;
                        for (int j = 0; j < n; j++) sum += Math.exp(in.get(first + j * inner) - m);
                        for (int j = 0; j < n; j++) {
                            os.setAtIndex(Elements.F32, dst + j * inner, (float) (Math.exp(in.get(first + j * inner) - m) / sum));
                        }
                    }
                }
            });
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    static void scaleInPlace(MemorySegment s, long byteOff, int n, float f) {
        int j = 0;
        for (; j <= n - Vec.L; j += Vec.L) Vec.load(s, byteOff + 4L * j).mul(f).intoMemorySegment(s, byteOff + 4L * j, Vec.LE);
        for (; j < n; j++) s.set(Elements.F32, byteOff + 4L * j, s.get(Elements.F32, byteOff + 4L * j) * f);
    }
}
