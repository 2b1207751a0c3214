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
 * {@code 2·BL} values; the per-group scale multiplies the group's partial vector and the bias term
 * uses the group sums of x.
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

    @Override
    float[] prepare(float[] x) {
        float[] px = Scratch.VECTOR_X2.get(cols + groups);
        for (int c = 0; c < cols; c += CHUNK) {
            for (int t = 0; t < BL; t++) {
                px[c + t] = x[c + 2 * t];
                px[c + BL + t] = x[c + 2 * t + 1];
            }
        }
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
                for (int end = e + group; e < end; e += CHUNK) {
                    ByteVector q = ByteVector.fromMemorySegment(B, packed, row + e / 2, Vec.LE);
                    ByteVector lo = q.and((byte) 0x0F);
                    ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F);
                    for (int part = 0; part < PARTS; part++) {
                        FloatVector wl = (FloatVector) lo.convertShape(VectorOperators.B2F, Vec.F, part);
                        FloatVector wh = (FloatVector) hi.convertShape(VectorOperators.B2F, Vec.F, part);
                        p = wl.fma(FloatVector.fromArray(Vec.F, px, e + part * Vec.L), p);
                        p = wh.fma(FloatVector.fromArray(Vec.F, px, e + BL + part * Vec.L), p);
                    }
                }
                acc = p.fma(FloatVector.broadcast(Vec.F, sb[g]), acc);
                bias += sb[groups + g] * px[cols + g];
            }
            y.set(Elements.F32, yByte + 4L * r, acc.reduceLanes(VectorOperators.ADD) + bias);
        }
    }

    @Override
    void decodeRow(int r, int k0, int n, float[] dst, int off) {
        if ((k0 & 1) != 0 || (n & 1) != 0) {
            super.decodeRow(r, k0, n, dst, off);
            return;
        }
        float[] sb = Scratch.SCALES.get(2 * groups);
        loadScales(r, sb);
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
