package ai.ominix.audio.dsp;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The resampler's inner product on the Vector API (preferred species: 16 lanes with AVX-512,
 * 4 with NEON). Only loaded when the JVM runs with {@code --add-modules jdk.incubator.vector}.
 */
final class VectorDot {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorDot() {
    }

    static float dot(float[] x, int xo, float[] h, int ho, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, h, ho + i), acc);
        }
        // lane by lane in a fixed order: reduceLanes(ADD) may sum in a different order once C2
        // compiles it, and the output must not depend on when the JIT kicked in
        float s = 0;
        for (int l = 0; l < S.length(); l++) {
            s += acc.lane(l);
        }
        for (; i < n; i++) {
            s += x[xo + i] * h[ho + i];
        }
        return s;
    }
}
