package ai.ominix.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The fixed-bit lane sum and exponential against the Vector API's own (whose bits vary with the
 * JIT), alternated in one run over the same data; prints ns per element.
 *   java ... ai.ominix.kernel.cpu.LanesBench
 */
public final class LanesBench {
    public static void main(String[] args) {
        float[] x = new float[1 << 16];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 40 - 20);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        float sink = 0;
        for (int round = 0; round < 60; round++) {
            for (int k = 0; k < 4; k++) {
                long t0 = System.nanoTime();
                FloatVector acc = FloatVector.zero(Vec.F);
                float s = 0;
                for (int rep = 0; rep < 20; rep++) {
                    for (int i = 0; i <= x.length - Vec.L; i += Vec.L) {
                        FloatVector v = FloatVector.fromArray(Vec.F, x, i);
                        switch (k) {
                            case 0 -> acc = acc.add(Lanes.exp(v));
                            case 1 -> acc = acc.add(v.lanewise(VectorOperators.EXP));
                            case 2 -> s += Lanes.sum(v);
                            default -> s += v.reduceLanes(VectorOperators.ADD);
                        }
                    }
                }
                sink += s + acc.lane(0);
                best[k] = Math.min(best[k], (System.nanoTime() - t0) / (20.0 * x.length));
            }
        }
        System.out.printf("exp: fixed %.3f ns/elem, Vector API %.3f; lane sum: fixed %.3f ns/elem, reduceLanes %.3f (%s)%n",
                best[0], best[1], best[2], best[3], sink == 42 ? "" : Vec.F);
    }
}
