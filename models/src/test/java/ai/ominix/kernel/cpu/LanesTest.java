package ai.ominix.kernel.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The fixed-bit exponential and lane sum against float64 references. */
class LanesTest {

    @Test
    void expIsWithinThreeUlpOfFloat64AndEveryLaneIsTheScalarResult() {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = new float[Vec.L];
        double worst = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 175 - 87);
            float[] got = new float[x.length];
            Lanes.exp(FloatVector.fromArray(Vec.F, x, 0)).intoArray(got, 0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(Lanes.exp(x[i])), Float.floatToRawIntBits(got[i]), "lane " + i + " at " + x[i]);
                double want = Math.exp(x[i]);
                double ulps = Math.abs(got[i] - want) / Math.ulp((float) want);
                worst = Math.max(worst, ulps);
            }
        }
        assertTrue(worst <= 3, "worst error " + worst + " ulp");
        assertEquals(0f, Lanes.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, Lanes.exp(-200f));
        assertEquals(Float.POSITIVE_INFINITY, Lanes.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Lanes.exp(Float.NaN)));
        assertEquals(1f, Lanes.exp(0f));
        float[] special = new float[Vec.L];
        java.util.Arrays.fill(special, Float.NEGATIVE_INFINITY);
        special[0] = Float.NaN;
        special[1] = Float.POSITIVE_INFINITY;
        float[] out = new float[Vec.L];
        Lanes.exp(FloatVector.fromArray(Vec.F, special, 0)).intoArray(out, 0);
        assertTrue(Float.isNaN(out[0]));
        assertEquals(Float.POSITIVE_INFINITY, out[1]);
        assertEquals(0f, out[2], "a masked score weighs nothing");
    }

    @Test
    void sumIsAFixedTreeWithinFloatRounding() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[Vec.L];
        for (int trial = 0; trial < 10_000; trial++) {
            double want = 0, mag = 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * 100);
                want += x[i];
                mag += Math.abs(x[i]);
            }
            float got = Lanes.sum(FloatVector.fromArray(Vec.F, x, 0));
            // pairwise: at most log2(L) roundings, each within half an ulp of the running magnitude
            assertEquals(want, got, mag * 4e-7 * Integer.numberOfTrailingZeros(Vec.L) + 1e-6);
            assertEquals(Float.floatToRawIntBits(got), Float.floatToRawIntBits(Lanes.sum(FloatVector.fromArray(Vec.F, x, 0))));
        }
    }
}
