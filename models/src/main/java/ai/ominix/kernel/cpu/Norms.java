package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** RMSNorm and LayerNorm over the last axis (mlx.core.fast semantics), f32 arithmetic. */
final class Norms {

    private Norms() {}

    static CpuTensor rmsNorm(CpuBackend be, CpuTensor x, CpuTensor weight, float eps) {
        return norm(be, x, weight, null, eps, false);
    }

    static CpuTensor layerNorm(CpuBackend be, CpuTensor x, CpuTensor weight, CpuTensor bias, float eps) {
        return norm(be, x, weight, bias, eps, true);
    }

    private static CpuTensor norm(CpuBackend be, CpuTensor x, CpuTensor weight, CpuTensor bias, float eps, boolean center) {
        if (x.shape.length == 0) throw new KernelException("norm of a scalar");
        int d = x.shape[x.shape.length - 1];
        checkParam(weight, d, x);
        checkParam(bias, d, x);
        long rows = x.elementCount() / Math.max(1, d);
        CpuTensor out = be.allocate(DType.F32, x.shape.clone());
        try (F32Data in = F32Data.of(x);
             F32Data w = weight == null ? null : F32Data.of(weight);
             F32Data b = bias == null ? null : F32Data.of(bias)) {
            MemorySegment os = out.segment();
            be.kernels().parallelFor((int) rows, Math.max(1, 16384 / Math.max(1, d)), (lo, hi) -> {
                for (long r = lo; r < hi; r++) {
                    long src = in.at(r * d), dst = (out.offset + r * d) * 4;
                    float mean = center ? Reductions.sum(in.seg, src, d) / d : 0f;
                    float inv = (float) (1.0 / Math.sqrt(sumSquares(in.seg, src, d, mean) / d + eps));
                    apply(in.seg, src, os, dst, d, mean, inv, w, b);
                }
            });
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static void checkParam(CpuTensor p, int d, CpuTensor x) {
        if (p != null && p.elementCount() != d) {
            throw new KernelException("norm parameter " + Tensor.describe(p) + " does not match the last axis of " + Tensor.describe(x));
        }
    }

    private static float sumSquares(MemorySegment s, long off, int n, float mean) {
        FloatVector acc = FloatVector.zero(Vec.F);
        int j = 0;
        for (; j <= n - Vec.L; j += Vec.L) {
            FloatVector v = Vec.load(s, off + 4L * j).sub(mean);
            acc = v.fma(v, acc);
        }
        float r = Lanes.sum(acc);
        for (; j < n; j++) {
            float v = s.get(Elements.F32, off + 4L * j) - mean;
            r += v * v;
        }
        return r;
    }

    private static void apply(MemorySegment s, long off, MemorySegment o, long dst, int n, float mean, float inv,
                              F32Data w, F32Data b) {
        int j = 0;
        for (; j <= n - Vec.L; j += Vec.L) {
            FloatVector v = Vec.load(s, off + 4L * j).sub(mean).mul(inv);
            if (w != null) v = v.mul(Vec.load(w.seg, w.at(j)));
            if (b != null) v = v.add(Vec.load(b.seg, b.at(j)));
            v.intoMemorySegment(o, dst + 4L * j, Vec.LE);
        }
        for (; j < n; j++) {
            float v = (s.get(Elements.F32, off + 4L * j) - mean) * inv;
            if (w != null) v *= w.get(j);
            if (b != null) v += b.get(j);
            o.set(Elements.F32, dst + 4L * j, v);
        }
    }
}
