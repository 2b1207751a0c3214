package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-bit MLX rows: four values per 32-bit word. The matvec ({@link LaneRows}) isolates byte k of
 * every lane with a shift and a mask; the GEMM row decoder ({@link #decodeRow}) flips the top bit
 * ({@code q − 128} as a signed byte, one vector op), widens with the signed conversion and adds
 * {@code b + 128·s}.
 */
final class Q8Rows extends LaneRows {

    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, Vec.L * 8)));
    static final int BL = B.length();
    static final int PARTS = BL / Vec.L;

    Q8Rows(MemorySegment packed, long packedBase, MemorySegment scales, long scalesBase, MemorySegment biases,
           long biasesBase, DType scaleType, int rows, int cols, int group) {
        super(packed, packedBase, scales, scalesBase, biases, biasesBase, scaleType, rows, cols, 8, group);
    }

    @Override
    void rows4(float[] px, float[] sb, int stride, long wa, long wb, long wc, long wd) {
        // fields copied to locals: C2 keeps them in registers across the segment accesses
        int full = this.full, chunk = this.chunk, gmask = this.gmask, last = this.last, l = Vec.L;
        MemorySegment w = packed;
        VectorShuffle<Float> lanes = groupOfLane;
        FloatVector zero = FloatVector.zero(Vec.F);
        FloatVector aa = zero, ab = zero, ac = zero, ad = zero, pa = zero, pb = zero, pc = zero, pd = zero;
        for (int e = 0; e < full; e += chunk) {
            IntVector va = words(w, wa + e), vb = words(w, wb + e), vc = words(w, wc + e), vd = words(w, wd + e);
            for (int k = 0; k < 4; k++) {
                FloatVector xk = FloatVector.fromArray(Vec.F, px, e + k * l);
                int shift = 8 * k;
                pa = value(va, shift).fma(xk, pa);
                pb = value(vb, shift).fma(xk, pb);
                pc = value(vc, shift).fma(xk, pc);
                pd = value(vd, shift).fma(xk, pd);
            }
            if ((e & gmask) == last) { // end of a group (or of a chunk holding several)
                int g = e / group;
                aa = pa.fma(FloatVector.fromArray(Vec.F, sb, g).rearrange(lanes), aa);
                ab = pb.fma(FloatVector.fromArray(Vec.F, sb, stride + g).rearrange(lanes), ab);
                ac = pc.fma(FloatVector.fromArray(Vec.F, sb, 2 * stride + g).rearrange(lanes), ac);
                ad = pd.fma(FloatVector.fromArray(Vec.F, sb, 3 * stride + g).rearrange(lanes), ad);
                pa = zero;
                pb = zero;
                pc = zero;
                pd = zero;
            }
        }
        int out = 4 * stride + groups;
        sb[out] = Lanes.sum(aa);
        sb[out + 1] = Lanes.sum(ab);
        sb[out + 2] = Lanes.sum(ac);
        sb[out + 3] = Lanes.sum(ad);
    }

    private static FloatVector value(IntVector v, int shift) {
        return (FloatVector) v.lanewise(VectorOperators.LSHR, shift).and(0xFF).convert(VectorOperators.I2F, 0);
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
