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
    void rows4(float[] px, float[] sb, int sa, int sbb, int sc, int sd, int biases, long wa, long wb, long wc, long wd) {
        // fields copied to locals: C2 keeps them in registers across the segment accesses
        int cols = this.cols, group = this.group, groups = this.groups;
        MemorySegment w = packed;
        int last = group - CHUNK;
        FloatVector zero = FloatVector.zero(Vec.F);
        FloatVector aa = zero, ab = zero, ac = zero, ad = zero;
        // separate partial sums for the even (low nibble) and odd (high nibble) values: two FMAs
        // chained into one accumulator per chunk made the loop latency-bound (measured 1.9x slower)
        FloatVector la = zero, lb = zero, lc = zero, ld = zero, ha = zero, hb = zero, hc = zero, hd = zero;
        float ba = 0, bb = 0, bc = 0, bd = 0;
        for (int e = 0; e < cols; e += CHUNK) {
            int half = e / 2;
            ByteVector qa = bytes(w, wa + half), qb = bytes(w, wb + half), qc = bytes(w, wc + half), qd = bytes(w, wd + half);
            if (PARTS == 1) { // the part index must be a constant when C2 parses convertShape
                FloatVector xe = FloatVector.fromArray(Vec.F, px, e), xo = FloatVector.fromArray(Vec.F, px, e + BL);
                la = widen(qa.and((byte) 0x0F), 0).fma(xe, la);
                ha = widen(high(qa), 0).fma(xo, ha);
                lb = widen(qb.and((byte) 0x0F), 0).fma(xe, lb);
                hb = widen(high(qb), 0).fma(xo, hb);
                lc = widen(qc.and((byte) 0x0F), 0).fma(xe, lc);
                hc = widen(high(qc), 0).fma(xo, hc);
                ld = widen(qd.and((byte) 0x0F), 0).fma(xe, ld);
                hd = widen(high(qd), 0).fma(xo, hd);
            } else {
                for (int part = 0; part < PARTS; part++) {
                    FloatVector xe = FloatVector.fromArray(Vec.F, px, e + part * Vec.L);
                    FloatVector xo = FloatVector.fromArray(Vec.F, px, e + BL + part * Vec.L);
                    la = widen(qa.and((byte) 0x0F), part).fma(xe, la);
                    ha = widen(high(qa), part).fma(xo, ha);
                    lb = widen(qb.and((byte) 0x0F), part).fma(xe, lb);
                    hb = widen(high(qb), part).fma(xo, hb);
                    lc = widen(qc.and((byte) 0x0F), part).fma(xe, lc);
                    hc = widen(high(qc), part).fma(xo, hc);
                    ld = widen(qd.and((byte) 0x0F), part).fma(xe, ld);
                    hd = widen(high(qd), part).fma(xo, hd);
                }
            }
            if ((e & (group - 1)) == last) { // end of a group
                int g = e / group;
                float s0 = sb[sa + g], s1 = sb[sbb + g], s2 = sb[sc + g], s3 = sb[sd + g];
                aa = la.add(ha).fma(FloatVector.broadcast(Vec.F, s0), aa);
                ab = lb.add(hb).fma(FloatVector.broadcast(Vec.F, s1), ab);
                ac = lc.add(hc).fma(FloatVector.broadcast(Vec.F, s2), ac);
                ad = ld.add(hd).fma(FloatVector.broadcast(Vec.F, s3), ad);
                la = zero;
                lb = zero;
                lc = zero;
                ld = zero;
                ha = zero;
                hb = zero;
                hc = zero;
                hd = zero;
                float xs = px[cols + g], xodd = 8f * px[cols + groups + g];
                ba += sb[biases + sa + g] * xs + s0 * xodd;
                bb += sb[biases + sbb + g] * xs + s1 * xodd;
                bc += sb[biases + sc + g] * xs + s2 * xodd;
                bd += sb[biases + sd + g] * xs + s3 * xodd;
            }
        }
        int out = 2 * biases;
        sb[out] = aa.reduceLanes(VectorOperators.ADD) + ba;
        sb[out + 1] = ab.reduceLanes(VectorOperators.ADD) + bb;
        sb[out + 2] = ac.reduceLanes(VectorOperators.ADD) + bc;
        sb[out + 3] = ad.reduceLanes(VectorOperators.ADD) + bd;
    }

    private static ByteVector bytes(MemorySegment w, long at) {
        return ByteVector.fromMemorySegment(B, w, at, Vec.LE);
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
