package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 4-bit MLX rows: eight values per 32-bit word (value 2k in the low nibble of byte k). The matvec
 * ({@link LaneRows}) isolates nibble k of every lane with a shift and a mask: one int→float
 * conversion and one FMA per eight values of a lane, against two byte widenings per byte before.
 */
final class Q4Rows extends LaneRows {

    Q4Rows(MemorySegment packed, long packedBase, MemorySegment scales, long scalesBase, MemorySegment biases,
           long biasesBase, DType scaleType, int rows, int cols, int group) {
        super(packed, packedBase, scales, scalesBase, biases, biasesBase, scaleType, rows, cols, 4, group);
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
            int at = e / 2;
            IntVector va = words(w, wa + at), vb = words(w, wb + at), vc = words(w, wc + at), vd = words(w, wd + at);
            for (int k = 0; k < 8; k++) {
                FloatVector xk = FloatVector.fromArray(Vec.F, px, e + k * l);
                int shift = 4 * k;
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
        return (FloatVector) v.lanewise(VectorOperators.LSHR, shift).and(0xF).convert(VectorOperators.I2F, 0);
    }

    /** A vector of packed bytes for {@link #decodeRow}: one byte per int lane of the preferred shape (none below 8 lanes). */
    private static final VectorSpecies<Byte> BYTES = Vec.L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(Vec.L * 8)) : null;

    /**
     * Row values in natural order for the GEMM's panels. Vector form: L bytes widen to L int lanes;
     * lane j becomes {@code lo_j | hi_j << 16}, which read as 2L shorts is exactly values 2j, 2j+1 in
     * order, so two short→float conversions give the 2L values without a shuffle.
     */
    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        int step = 2 * Vec.L;
        if (BYTES == null || k0 % step != 0 || n % step != 0 || group % step != 0) {
            decodeScalar(r, k0, n, dst, off);
            return;
        }
        float[] sb = Scratch.SCALES.get(2 * groups);
        loadScales(r, k0 / group, (k0 + n + group - 1) / group, sb, 0);
        long at = packedBase + r * rowBytes + k0 / 2;
        MemorySegment w = packed;
        int group = this.group, groups = this.groups;
        for (int i = 0; i < n; i += step, at += Vec.L) {
            int g = (k0 + i) / group;
            float s = sb[g], bias = sb[groups + g];
            IntVector b = (IntVector) ByteVector.fromMemorySegment(BYTES, w, at, Vec.LE).convertShape(VectorOperators.B2I, LaneRows.I, 0);
            ShortVector pairs = b.and(0xF).or(b.lanewise(VectorOperators.LSHL, 12).and(0xF0000)).reinterpretAsShorts();
            ((FloatVector) pairs.convertShape(VectorOperators.S2F, Vec.F, 0)).fma(s, bias).intoArray(dst, off + i);
            ((FloatVector) pairs.convertShape(VectorOperators.S2F, Vec.F, 1)).fma(s, bias).intoArray(dst, off + i + Vec.L);
        }
    }

    private void decodeScalar(int r, int k0, int n, float[] dst, int off) {
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
