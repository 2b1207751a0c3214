package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-bit MLX rows: one byte per value, so a row is a plain byte array. The dot product flips the
 * top bit ({@code q − 128} as a signed byte, one vector op), widens with the signed conversion and
 * folds the +128 into the per-group bias term: {@code Σ_g s_g·Σ (q−128)·x + (b_g + 128·s_g)·Σx}.
 * The group sums of x are computed once per activation row.
 */
final class Q8Rows extends QuantRows {

    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, Vec.L * 8)));
    static final int BL = B.length();
    static final int PARTS = BL / Vec.L;

    Q8Rows(MemorySegment packed, long packedBase, MemorySegment scales, long scalesBase, MemorySegment biases,
           long biasesBase, DType scaleType, int rows, int cols, int group) {
        super(packed, packedBase, scales, scalesBase, biases, biasesBase, scaleType, rows, cols, 8, group);
    }

    static boolean supports(int group) {
        return group % BL == 0;
    }

    @Override
    float[] prepare(float[] x) {
        float[] px = Scratch.VECTOR_X2.get(cols + groups);
        System.arraycopy(x, 0, px, 0, cols);
        for (int g = 0; g < groups; g++) {
            float s = 0;
            for (int i = g * group; i < (g + 1) * group; i++) s += x[i];
            px[cols + g] = s;
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
        int last = group - BL;
        FloatVector zero = FloatVector.zero(Vec.F);
        FloatVector aa = zero, ab = zero, ac = zero, ad = zero, pa = zero, pb = zero, pc = zero, pd = zero;
        float ba = 0, bb = 0, bc = 0, bd = 0;
        for (int e = 0; e < cols; e += BL) {
            ByteVector qa = bytes(w, wa + e), qb = bytes(w, wb + e), qc = bytes(w, wc + e), qd = bytes(w, wd + e);
            if (PARTS == 1) { // the part index must be a constant when C2 parses convertShape
                FloatVector xv = FloatVector.fromArray(Vec.F, px, e);
                pa = widen(qa, 0).fma(xv, pa);
                pb = widen(qb, 0).fma(xv, pb);
                pc = widen(qc, 0).fma(xv, pc);
                pd = widen(qd, 0).fma(xv, pd);
            } else {
                for (int part = 0; part < PARTS; part++) {
                    FloatVector xv = FloatVector.fromArray(Vec.F, px, e + part * Vec.L);
                    pa = widen(qa, part).fma(xv, pa);
                    pb = widen(qb, part).fma(xv, pb);
                    pc = widen(qc, part).fma(xv, pc);
                    pd = widen(qd, part).fma(xv, pd);
                }
            }
            if ((e & (group - 1)) == last) { // end of a group
                int g = e / group;
                float s0 = sb[sa + g], s1 = sb[sbb + g], s2 = sb[sc + g], s3 = sb[sd + g];
                aa = pa.fma(FloatVector.broadcast(Vec.F, s0), aa);
                ab = pb.fma(FloatVector.broadcast(Vec.F, s1), ab);
                ac = pc.fma(FloatVector.broadcast(Vec.F, s2), ac);
                ad = pd.fma(FloatVector.broadcast(Vec.F, s3), ad);
                pa = zero;
                pb = zero;
                pc = zero;
                pd = zero;
                float xs = px[cols + g];
                ba += (sb[biases + sa + g] + 128f * s0) * xs;
                bb += (sb[biases + sbb + g] + 128f * s1) * xs;
                bc += (sb[biases + sc + g] + 128f * s2) * xs;
                bd += (sb[biases + sd + g] + 128f * s3) * xs;
            }
        }
        int out = 2 * biases;
        sb[out] = aa.reduceLanes(VectorOperators.ADD) + ba;
        sb[out + 1] = ab.reduceLanes(VectorOperators.ADD) + bb;
        sb[out + 2] = ac.reduceLanes(VectorOperators.ADD) + bc;
        sb[out + 3] = ad.reduceLanes(VectorOperators.ADD) + bd;
    }

    /** q − 128 as signed bytes. */
    private static ByteVector bytes(MemorySegment w, long at) {
        return ByteVector.fromMemorySegment(B, w, at, Vec.LE).lanewise(VectorOperators.XOR, (byte) 0x80);
    }

    private static FloatVector widen(ByteVector q, int part) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, part);
    }

    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        if (k0 % group != 0 || n % group != 0) {
            super.decodeRow(r, k0, n, dst, off);
            return;
        }
        float[] sb = Scratch.SCALES.get(2 * groups);
        loadScales(r, k0 / group, (k0 + n + group - 1) / group, sb, 0);
        long row = packedBase + r * rowBytes;
        MemorySegment w = packed;
        int group = this.group, groups = this.groups;
        float s = 0, b = 0;
        for (int e = k0; e < k0 + n; e += BL) {
            if ((e & (group - 1)) == 0) { // a new group (k0 and n are whole groups)
                int g = e / group;
                s = sb[g];
                b = sb[groups + g] + 128f * s;
            }
            ByteVector q = bytes(w, row + e);
            if (PARTS == 1) {
                widen(q, 0).fma(s, b).intoArray(dst, off + e - k0);
            } else {
                for (int part = 0; part < PARTS; part++) widen(q, part).fma(s, b).intoArray(dst, off + e - k0 + part * Vec.L);
            }
        }
    }
}
