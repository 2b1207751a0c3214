package ai.ominix.kernel.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shape every kernel uses: the CPU's preferred float species (512-bit with AVX-512,
 * 256 with AVX2, 128 on NEON), never a hard-coded width. Plus the few f32 vector routines several
 * kernels share.
 */
final class Vec {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Vec() {}

    static FloatVector load(MemorySegment s, long byteOffset) {
        return FloatVector.fromMemorySegment(F, s, byteOffset, LE);
    }

    private static final VectorSpecies<Short> S16 = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> I32 = VectorSpecies.of(int.class, F.vectorShape());

    /** L bf16 values → L floats: sign-extend to int, shift into the high half (the extension bits fall off). */
    static FloatVector bf16(MemorySegment s, long byteOffset) {
        ShortVector v = ShortVector.fromMemorySegment(S16, s, byteOffset, LE);
        return ((IntVector) v.convertShape(VectorOperators.S2I, I32, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Σ a[i]·b[i] for heap arrays. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), acc1);
        }
        for (; i <= n - L; i += L) acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
        float s = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** Σ x[i]·w[i] with x on the heap and w an f32 row in a segment. */
    static float dot(float[] x, int xo, MemorySegment w, long wByte, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, x, xo + i).fma(load(w, wByte + 4L * i), acc0);
            acc1 = FloatVector.fromArray(F, x, xo + i + L).fma(load(w, wByte + 4L * (i + L)), acc1);
        }
        for (; i <= n - L; i += L) acc0 = FloatVector.fromArray(F, x, xo + i).fma(load(w, wByte + 4L * i), acc0);
        float s = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) s += x[xo + i] * w.get(Elements.F32, wByte + 4L * i);
        return s;
    }

    /** Copies {@code n} f32 values from a segment to a heap array. */
    static void toArray(MemorySegment s, long byteOffset, float[] dst, int dstOff, int n) {
        MemorySegment.copy(s, Elements.F32, byteOffset, dst, dstOff, n);
    }
}
