package ai.ominix.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float reductions and exponentials whose every bit is fixed by the code, whatever runs it. The
 * Vector API leaves the order of {@code reduceLanes(ADD)} and the last bit of
 * {@code lanewise(EXP)} to the implementation, and the interpreted, C1 and C2 forms of one loop
 * differ: the same prompt gave different logits run after run while the JIT warmed up. Here the
 * sum is a fixed pairwise tree of lane swaps and the exponential a fixed polynomial (Cephes
 * {@code expf}: |error| ≤ 2 ulp on [-87, 88]) of plain multiplies and adds, so an answer is the
 * same on its first request and its thousandth, and a prompt resumed from a cache equals a cold run.
 */
public final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** swap[k]: lane i ↔ lane i ^ (L >> (k + 1)). */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] SWAP = new VectorShuffle[Integer.numberOfTrailingZeros(F.length())];

    static {
        for (int k = 0; k < SWAP.length; k++) {
            int d = F.length() >> (k + 1);
            SWAP[k] = VectorShuffle.fromOp(F, i -> i ^ d);
        }
    }

    private Lanes() {}

    /** The sum of the lanes, as a fixed tree: halves, then quarters, ... */
    public static float sum(FloatVector v) {
        if (v.species() != F) return v.reduceLanes(VectorOperators.ADD); // only the preferred species is used by the kernels
        for (VectorShuffle<Float> s : SWAP) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    private static final float HI = 88.3762626647949f, LO = -87.3365447504019f;
    private static final float LOG2E = 1.44269504088896341f, C1 = 0.693359375f, C2 = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** e^x per lane: 0 below {@value #LO}, +∞ above {@value #HI}, NaN for NaN. */
    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.lt(LO), over = x.compare(VectorOperators.GT, HI);
        FloatVector c = x.max(LO).min(HI);
        FloatVector t = c.mul(LOG2E).add(0.5f);
        FloatVector fx = (FloatVector) t.convert(VectorOperators.F2I, 0).convert(VectorOperators.I2F, 0);
        fx = fx.sub(1f, fx.compare(VectorOperators.GT, t)); // truncation → floor
        FloatVector r = c.sub(fx.mul(C1)).sub(fx.mul(C2));
        FloatVector z = r.mul(r);
        FloatVector y = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5).mul(z).add(r).add(1f);
        IntVector n = (IntVector) fx.convert(VectorOperators.F2I, 0);
        FloatVector pow2 = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(pow2).blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
    }

    /** e^x, the same bits as a lane of {@link #exp(FloatVector)}. */
    public static float exp(float x) {
        if (Float.isNaN(x)) return x;
        if (x < LO) return 0f;
        if (x > HI) return Float.POSITIVE_INFINITY;
        float t = x * LOG2E + 0.5f;
        float fx = (float) (int) t;
        if (fx > t) fx -= 1f;
        float r = x - fx * C1 - fx * C2;
        float z = r * r;
        float y = ((((((r * P0 + P1) * r + P2) * r + P3) * r + P4) * r + P5) * z + r) + 1f;
        return y * Float.intBitsToFloat(((int) fx + 127) << 23);
    }
}
