package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Channels-last convolution as MLX lays it out ({@code x [N, H, W, Cin]}, {@code w [Cout, KH, KW, Cin]}):
 * a GEMM of the implicit im2col matrix {@code [N·H'·W', KH·KW·Cin]} with the weight rows
 * {@code [Cout, KH·KW·Cin]}. The patches are gathered straight into the GEMM's packed A blocks,
 * so the im2col matrix is never materialized.
 */
final class Conv {

    private Conv() {}

    static CpuTensor conv2d(CpuBackend be, CpuTensor x, CpuTensor w, CpuTensor bias, int sh, int sw, int ph, int pw) {
        if (x.shape.length != 4 || w.shape.length != 4 || w.shape[3] != x.shape[3]) {
            throw new KernelException("conv2d needs x [N, H, W, Cin] and w [Cout, KH, KW, Cin], got " + Tensor.describe(x) + " and "
                    + Tensor.describe(w));
        }
        return conv(be, x, w, bias, x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[1], w.shape[2], sh, sw, ph, pw,
                true);
    }

    static CpuTensor conv1d(CpuBackend be, CpuTensor x, CpuTensor w, CpuTensor bias, int stride, int padding) {
        if (x.shape.length != 3 || w.shape.length != 3 || w.shape[2] != x.shape[2]) {
            throw new KernelException("conv1d needs x [N, L, Cin] and w [Cout, K, Cin], got " + Tensor.describe(x) + " and "
                    + Tensor.describe(w));
        }
        return conv(be, x, w, bias, x.shape[0], 1, x.shape[1], x.shape[2], w.shape[0], 1, w.shape[1], 1, stride, 0, padding, false);
    }

    private static CpuTensor conv(CpuBackend be, CpuTensor x, CpuTensor w, CpuTensor bias, int n, int h, int wd, int cin, int cout,
                                  int kh, int kw, int sh, int sw, int ph, int pw, boolean twoD) {
        if (sh <= 0 || sw <= 0 || ph < 0 || pw < 0) throw new KernelException("conv: bad stride/padding");
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (wd + 2 * pw - kw) / sw + 1;
        if (oh <= 0 || ow <= 0) throw new KernelException("conv: kernel larger than padded input " + Tensor.describe(x));
        if (bias != null && bias.elementCount() != cout) throw new KernelException("conv: bias " + Tensor.describe(bias) + " for " + cout);
        int m = n * oh * ow, k = kh * kw * cin;
        CpuTensor out = be.allocate(DType.F32, twoD ? new int[] {n, oh, ow, cout} : new int[] {n, ow, cout});
        try (CpuTensor wc = ShapeOps.contiguous(w); F32Data xd = F32Data.of(x); F32Data bd = bias == null ? null : F32Data.of(bias)) {
            RowMatrix rows = new DenseRows(wc.segment(), wc.byteOffset(), wc.dtype, cout, k);
            Gemm.ASource patches = (i0, mc, k0, kc, dst, off) -> {
                float[] row = Scratch.ROW.get(kc);
                int slivers = (mc + Gemm.MR - 1) / Gemm.MR;
                for (int sl = 0; sl < slivers; sl++) {
                    for (int r = 0; r < Gemm.MR; r++) {
                        int i = i0 + sl * Gemm.MR + r;
                        if (i < i0 + mc) {
                            gather(xd, i, k0, kc, row, oh, ow, h, wd, cin, kw, sh, sw, ph, pw);
                        } else {
                            java.util.Arrays.fill(row, 0, kc, 0f);
                        }
                        for (int kk = 0, o = off + sl * kc * Gemm.MR + r; kk < kc; kk++, o += Gemm.MR) dst[o] = row[kk];
                    }
                }
            };
            MemorySegment os = out.segment();
            Gemm.run(be.kernels(), m, cout, k, patches, rows, os, out.byteOffset(), cout);
            if (bd != null) {
                for (long i = 0; i < m; i++) {
                    for (int c = 0; c < cout; c++) {
                        long at = out.byteOffset() + 4L * (i * cout + c);
                        os.set(Elements.F32, at, os.get(Elements.F32, at) + bd.get(c));
                    }
                }
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Patch row {@code i} (output pixel), columns {@code [k0, k0+kc)} in (kh, kw, cin) order, zero outside the image. */
    private static void gather(F32Data x, int i, int k0, int kc, float[] row, int oh, int ow, int h, int wd, int cin, int kw,
                               int sh, int sw, int ph, int pw) {
        int img = i / (oh * ow), oy = (i / ow) % oh, ox = i % ow;
        int kk = 0;
        while (kk < kc) {
            int k = k0 + kk;
            int c = k % cin, tap = k / cin, ky = tap / kw, kx = tap % kw;
            int run = Math.min(cin - c, kc - kk);
            int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                java.util.Arrays.fill(row, kk, kk + run, 0f);
            } else {
                long at = (((long) img * h + iy) * wd + ix) * cin + c;
                Vec.toArray(x.seg, x.at(at), row, kk, run);
            }
            kk += run;
        }
    }
}
