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
        float[] sb = Scratch.SCALES.get(2 * groups);
        for (int r = r0; r < r1; r++) {
            loadScales(r, sb);
            long row = packedBase + r * rowBytes;
            FloatVector acc = FloatVector.zero(Vec.F);
            float bias = 0;
            for (int g = 0, e = 0; g < groups; g++) {
                FloatVector p = FloatVector.zero(Vec.F);
                for (int end = e + group; e < end; e += BL) {
                    ByteVector q = ByteVector.fromMemorySegment(B, packed, row + e, Vec.LE).lanewise(VectorOperators.XOR, (byte) 0x80);
                    for (int part = 0; part < PARTS; part++) {
                        FloatVector w = (FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, part);
                        p = w.fma(FloatVector.fromArray(Vec.F, px, e + part * Vec.L), p);
                    }
                }
                float s = sb[g];
                acc = p.fma(FloatVector.broadcast(Vec.F, s), acc);
                bias += (sb[groups + g] + 128f * s) * px[cols + g];
            }
            y.set(Elements.F32, yByte + 4L * r, acc.reduceLanes(VectorOperators.ADD) + bias);
        }
    }

    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        if (k0 % group != 0 || n % group != 0) {
            super.decodeRow(r, k0, n, dst, off);
            return;
        }
        float[] sb = Scratch.SCALES.get(2 * groups);
        loadScales(r, sb);
        long row = packedBase + r * rowBytes;
        for (int e = k0; e < k0 + n; ) {
            int g = e / group;
            float s = sb[g], b = sb[groups + g] + 128f * s;
            for (int end = e + group; e < end; e += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, packed, row + e, Vec.LE).lanewise(VectorOperators.XOR, (byte) 0x80);
                for (int part = 0; part < PARTS; part++) {
                    ((FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, part)).fma(s, b)
                            .intoArray(dst, off + e - k0 + part * Vec.L);
                }
            }
        }
    }
}
