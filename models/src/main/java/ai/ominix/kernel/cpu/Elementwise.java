package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** Broadcasting binary ops and unary activations, f32 out. */
final class Elementwise {

    private Elementwise() {}

    enum Binary {
        ADD, SUB, MUL, DIV, MAX;

        /** The Vector API only intrinsifies an operator that is a constant at the call: one call per case. */
        FloatVector apply(FloatVector a, FloatVector b) {
            return switch (this) {
                case ADD -> a.add(b);
                case SUB -> a.sub(b);
                case MUL -> a.mul(b);
                case DIV -> a.div(b);
                case MAX -> a.max(b);
            };
        }

        float apply(float a, float b) {
            return switch (this) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
                case MAX -> Math.max(a, b);
            };
        }
    }

    enum Unary { EXP, LOG, SIGMOID, SILU, GELU, SCALE, ADD_SCALAR }

    private static final int GRAIN = 1 << 14;

    static CpuTensor binary(CpuBackend be, Binary op, CpuTensor a, CpuTensor b) {
        int[] shape = Shapes.broadcast(a.shape, b.shape);
        int[] work = shape.length == 0 ? new int[] {1} : shape;
        CpuTensor out = be.allocate(DType.F32, shape);
        long[] sa = Shapes.broadcastStrides(a.shape, a.strides, work);
        long[] sb = Shapes.broadcastStrides(b.shape, b.strides, work);
        int rank = work.length, n = work[rank - 1];
        long rows = Shapes.product(work) / Math.max(1, n);
        MemorySegment as = a.segment(), bs = b.segment(), os = out.segment();
        int rowsPerChunk = (int) Math.max(1, GRAIN / Math.max(1, n));
        be.kernels().parallelFor((int) rows, rowsPerChunk, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                long oa = a.offset + rowOffset(r, work, sa), ob = b.offset + rowOffset(r, work, sb);
                row(op, as, a.dtype, oa, sa[rank - 1], bs, b.dtype, ob, sb[rank - 1], os, out.offset + (long) r * n, n);
            }
        });
        return out;
    }

    /** Element offset of the first element of row {@code r} (over all but the last dimension). */
    static long rowOffset(long r, int[] shape, long[] strides) {
        long off = 0;
        for (int d = shape.length - 2; d >= 0 && r > 0; d--) {
            off += (r % shape[d]) * strides[d];
            r /= shape[d];
        }
        return off;
    }

    private static void row(Binary op, MemorySegment as, DType at, long oa, long ia, MemorySegment bs, DType bt, long ob,
                            long ib, MemorySegment os, long oo, int n) {
        int j = 0;
        if (at == DType.F32 && bt == DType.F32 && ia <= 1 && ib <= 1) {
            // three separate loops: a vector that may be "absent" (null) cannot live in a register
            if (ia == 1 && ib == 1) {
                for (; j <= n - Vec.L; j += Vec.L) {
                    op.apply(Vec.load(as, (oa + j) * 4), Vec.load(bs, (ob + j) * 4)).intoMemorySegment(os, (oo + j) * 4, Vec.LE);
                }
            } else if (ia == 1) {
                FloatVector cb = FloatVector.broadcast(Vec.F, bs.getAtIndex(Elements.F32, ob));
                for (; j <= n - Vec.L; j += Vec.L) {
                    op.apply(Vec.load(as, (oa + j) * 4), cb).intoMemorySegment(os, (oo + j) * 4, Vec.LE);
                }
            } else if (ib == 1) {
                FloatVector ca = FloatVector.broadcast(Vec.F, as.getAtIndex(Elements.F32, oa));
                for (; j <= n - Vec.L; j += Vec.L) {
                    op.apply(ca, Vec.load(bs, (ob + j) * 4)).intoMemorySegment(os, (oo + j) * 4, Vec.LE);
                }
            }
        }
        for (; j < n; j++) {
            os.setAtIndex(Elements.F32, oo + j, op.apply(Elements.read(as, at, oa + j * ia), Elements.read(bs, bt, ob + j * ib)));
        }
    }

    static CpuTensor unary(CpuBackend be, Unary op, float param, CpuTensor x) {
        CpuTensor out = be.allocate(DType.F32, x.shape.clone());
        try (F32Data in = F32Data.of(x)) {
            long n = x.elementCount();
            MemorySegment is = in.seg, os = out.segment();
            long chunk = 1L << 14;
            be.kernels().parallelFor((int) ((n + chunk - 1) / chunk), 1, (lo, hi) -> {
                long end = Math.min(n, hi * chunk);
                long i = lo * chunk;
                for (; i <= end - Vec.L; i += Vec.L) {
                    apply(op, param, Vec.load(is, in.at(i))).intoMemorySegment(os, (out.offset + i) * 4, Vec.LE);
                }
                if (i < end) {
                    VectorMask<Float> m = Vec.F.indexInRange(i, end);
                    FloatVector v = FloatVector.fromMemorySegment(Vec.F, is, in.at(i), Vec.LE, m);
                    apply(op, param, v).intoMemorySegment(os, (out.offset + i) * 4, Vec.LE, m);
                }
            });
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    static FloatVector apply(Unary op, float p, FloatVector v) {
        return switch (op) {
            case EXP -> Lanes.exp(v);
            case LOG -> v.lanewise(VectorOperators.LOG);
            case SIGMOID -> ONE.div(Lanes.exp(v.neg()).add(1f));
            case SILU -> v.div(Lanes.exp(v.neg()).add(1f));
            case GELU -> gelu(v);
            case SCALE -> v.mul(p);
            case ADD_SCALAR -> v.add(p);
        };
    }

    private static final FloatVector ONE = FloatVector.broadcast(Vec.F, 1f);
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

    /**
     * Exact (erf) GELU through erfc with Numerical Recipes' Chebyshev fit (fractional error below
     * 1.2e-7): {@code x ≥ 0: x·(1 − erfc(x/√2)/2)}, {@code x < 0: x·erfc(|x|/√2)/2}, accurate in both tails.
     */
    static FloatVector gelu(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = ONE.div(z.fma(0.5f, 1f));
        FloatVector p = t.fma(0.17087277f, -0.82215223f);
        p = p.fma(t, FloatVector.broadcast(Vec.F, 1.48851587f));
        p = p.fma(t, FloatVector.broadcast(Vec.F, -1.13520398f));
        p = p.fma(t, FloatVector.broadcast(Vec.F, 0.27886807f));
        p = p.fma(t, FloatVector.broadcast(Vec.F, -0.18628806f));
        p = p.fma(t, FloatVector.broadcast(Vec.F, 0.09678418f));
        p = p.fma(t, FloatVector.broadcast(Vec.F, 0.37409196f));
        p = p.fma(t, FloatVector.broadcast(Vec.F, 1.00002368f));
        p = p.fma(t, FloatVector.broadcast(Vec.F, -1.26551223f));
        FloatVector erfc = t.mul(Lanes.exp(z.mul(z).neg().add(p)));
        FloatVector half = erfc.mul(0.5f);
        FloatVector pos = x.mul(half.neg().add(1f));
        FloatVector neg = x.mul(half);
        return pos.blend(neg, x.compare(VectorOperators.LT, 0f));
    }
}
