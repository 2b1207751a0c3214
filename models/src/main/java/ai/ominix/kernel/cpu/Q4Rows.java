package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 4-bit MLX rows: byte k holds value 2k in its low nibble and 2k+1 in its high nibble. One byte
 * vector load gives two float vectors (low nibbles = even values, high = odd values), so the
 * activation row is rearranged once per call into matching even/odd halves per chunk of
 * {@code 2·BL} values. The high nibble is used in place ({@code q & 0xF0 = 16·hi}, no byte shift,
 * which x86 lacks): its top bit is flipped so the signed widening gives {@code 16·hi − 128}, the odd
 * x values are pre-divided by 16 (exact), and the −128 comes back through the group's odd sum:
 * {@code Σ hi·x = Σ (16·hi − 128)·x/16 + 8·Σx_odd}. The per-group scale multiplies the group's
 * partial vector; the bias term uses the group sums of x.
 */
final class Q4Rows extends QuantRows {

    static final VectorSpecies<Byte> B = Q8Rows.B;
    static final int BL = B.length();
    static final int PARTS = BL / Vec.L;
    static final int CHUNK = 2 * BL;

    Q4Rows(MemorySegment packed, long packedBase, MemorySegment scales, long scalesBase, MemorySegment biases,
           long biasesBase, DType scaleType, int rows, int cols, int group) {
        super(packed, packedBase, scales, scalesBase, biases, biasesBase, scaleType, rows, cols, 4, group);
    }

    static boolean supports(int group) {
        return group % CHUNK == 0;
    }

    /** x as [even half | odd half / 16] per chunk, then per-group sums of x, then per-group sums of the odd x. */
    @Override
    float[] prepare(float[] x) {
        float[] px = Scratch.VECTOR_X2.get(cols + 2 * groups);
        for (int c = 0; c < cols; c += CHUNK) {
            for (int t = 0; t < BL; t++) {
                px[c + t] = x[c + 2 * t];
                px[c + BL + t] = x[c + 2 * t + 1] * 0.0625f;
            }
        }
        for (int g = 0; g < groups; g++) {
            float all = 0, odd = 0;
            for (int i = g * group; i < (g + 1) * group; i++) {
                all += x[i];
                if ((i & 1) == 1) odd += x[i];
            }
            px[cols + g] = all;
            px[cols + groups + g] = odd;
        }
        return px;
    }

    @Override
    void matvec(float[] px, MemorySegment y, long yByte, int r0, int r1) {
        matvecFourRows(px, y, yByte, r0, r1);
    }

    @Override
    void rows4(float[] px, float[] sb, long wa, long wb, long wc, long wd) {
        int stride = 2 * groups;
        FloatVector aa = FloatVector.zero(Vec.F), ab = aa, ac = aa, ad = aa;
        float ba = 0, bb = 0, bc = 0, bd = 0;
        for (int g = 0, e = 0; g < groups; g++) {
            FloatVector pa = FloatVector.zero(Vec.F), pb = pa, pc = pa, pd = pa;
            for (int end = e + group; e < end; e += CHUNK) {
                int half = e / 2;
                ByteVector qa = bytes(wa + half), qb = bytes(wb + half), qc = bytes(wc + half), qd = bytes(wd + half);
                for (int part = 0; part < PARTS; part++) {
                    FloatVector xe = FloatVector.fromArray(Vec.F, px, e + part * Vec.L);
                    FloatVector xo = FloatVector.fromArray(Vec.F, px, e + BL + part * Vec.L);
                    pa = widen(qa.and((byte) 0x0F), part).fma(xe, widen(high(qa), part).fma(xo, pa));
                    pb = widen(qb.and((byte) 0x0F), part).fma(xe, widen(high(qb), part).fma(xo, pb));
                    pc = widen(qc.and((byte) 0x0F), part).fma(xe, widen(high(qc), part).fma(xo, pc));
                    pd = widen(qd.and((byte) 0x0F), part).fma(xe, widen(high(qd), part).fma(xo, pd));
                }
            }
            float xs = px[cols + g], xodd = 8f * px[cols + groups + g];
            aa = pa.fma(FloatVector.broadcast(Vec.F, sb[g]), aa);
            ab = pb.fma(FloatVector.broadcast(Vec.F, sb[stride + g]), ab);
            ac = pc.fma(FloatVector.broadcast(Vec.F, sb[2 * stride + g]), ac);
            ad = pd.fma(FloatVector.broadcast(Vec.F, sb[3 * stride + g]), ad);
            ba += sb[groups + g] * xs + sb[g] * xodd;
            bb += sb[stride + groups + g] * xs + sb[stride + g] * xodd;
            bc += sb[2 * stride + groups + g] * xs + sb[2 * stride + g] * xodd;
            bd += sb[3 * stride + groups + g] * xs + sb[3 * stride + g] * xodd;
        }
        int out = 4 * stride;
        sb[out] = aa.reduceLanes(VectorOperators.ADD) + ba;
        sb[out + 1] = ab.reduceLanes(VectorOperators.ADD) + bb;
        sb[out + 2] = ac.reduceLanes(VectorOperators.ADD) + bc;
        sb[out + 3] = ad.reduceLanes(VectorOperators.ADD) + bd;
    }

    private ByteVector bytes(long at) {
        return ByteVector.fromMemorySegment(B, packed, at, Vec.LE);
    }

    /** {@code 16·hi − 128} as a signed byte: the high nibble in place with its top bit flipped. */
    private static ByteVector high(ByteVector q) {
        return q.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80);
    }

    private static FloatVector widen(ByteVector q, int part) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, part);
    }

    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        if ((k0 & 1) != 0 || (n & 1) != 0) {
            super.decodeRow(r, k0, n, dst, off);
            return;
        }
        float[] sb = Scratch.SCALES.get(2 * groups);
        loadScales(r, k0 / group, (k0 + n + group - 1) / group, sb, 0);
        long at = packedBase + r * rowBytes + k0 / 2;
        for (int i = 0; i < n; i += 2, at++) {
            int b = packed.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at);
            int g = (k0 + i) / group;
            float s = sb[g], bias = sb[groups + g];
            dst[off + i] = s * (b & 0xF) + bias;
            dst[off + i + 1] = s * ((b >>> 4) & 0xF) + bias;
        }
    }
}
