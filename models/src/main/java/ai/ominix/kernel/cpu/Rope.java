package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Rotary position embedding over the first {@code dims} features of {@code x [..., L, D]}. The
 * angles {@code scale·pos·base^(−2i/dims)} are computed in double once per call and shared by all
 * heads; positions continue from {@code offset} (the KV-cache length).
 */
final class Rope {

    private Rope() {}

    static CpuTensor rope(CpuBackend be, CpuTensor x, int dims, boolean traditional, float base, float scale, int offset) {
        int rank = x.shape.length;
        if (rank < 2) throw new KernelException("rope needs [..., L, D], got " + Tensor.describe(x));
        int len = x.shape[rank - 2], d = x.shape[rank - 1];
        if (dims <= 0 || dims > d || dims % 2 != 0) throw new KernelException("rope dims " + dims + " for feature size " + d);
        int half = dims / 2;
        float[] table = Scratch.TABLE.get(2 * len * half); // cos, sin per (l, i)
        for (int l = 0; l < len; l++) {
            double pos = (double) offset + l;
            for (int i = 0; i < half; i++) {
                double theta = scale * pos * Math.pow(base, -2.0 * i / dims);
                table[2 * (l * half + i)] = (float) Math.cos(theta);
                table[2 * (l * half + i) + 1] = (float) Math.sin(theta);
            }
        }
        CpuTensor out = ShapeOps.copy(x, DType.F32);
        MemorySegment s = out.segment();
        long rows = out.elementCount() / Math.max(1, d);
        be.kernels().parallelFor((int) rows, Math.max(1, 8192 / Math.max(1, d)), (lo, hi) -> {
            for (long r = lo; r < hi; r++) {
                int l = (int) (r % len);
                long row = out.offset + r * d;
                for (int i = 0; i < half; i++) {
                    long i1 = traditional ? row + 2L * i : row + i;
                    long i2 = traditional ? i1 + 1 : i1 + half;
                    float c = table[2 * (l * half + i)], sn = table[2 * (l * half + i) + 1];
                    float a = s.getAtIndex(Elements.F32, i1), b = s.getAtIndex(Elements.F32, i2);
                    s.setAtIndex(Elements.F32, i1, a * c - b * sn);
                    s.setAtIndex(Elements.F32, i2, a * sn + b * c);
                }
            }
        });
        return out;
    }
}
