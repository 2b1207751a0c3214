package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lightning recurrence: chunked (prefill) and recurrent (decode) forms against a float64 loop
 * of {@code S_t = λS_{t-1} + k_tᵀv_t, o_t = scale·q_t S_t}, from a non-zero carried state, with
 * full and partial chunks, on odd sizes (3 heads, not a power of two; head dim 5).
 */
class DecayRecurrenceTest {

    private static final int HEADS = 3;
    private static final int DIM = 5;
    private static final float SCALE = 0.45f;
    private static final double TOLERANCE = 2e-5;
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = Backends.open("cpu", 2);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 63, 64, 65, 150, 200})
    void chunkedAndRecurrentFormsMatchTheOracle(int length) {
        Random r = new Random(length);
        int prefix = 9;
        float[] q = random(r, HEADS * (prefix + length) * DIM);
        float[] k = random(r, q.length);
        float[] v = random(r, q.length);
        double[][][] s = new double[HEADS][DIM][DIM];
        double[] expected = oracle(q, k, v, prefix + length, s);
        try (Scope scope = Scope.open(); DecayRecurrence rec = new DecayRecurrence(backend, HEADS, SCALE);
             LightningState chunkedState = new LightningState(backend, HEADS, DIM);
             LightningState recurrentState = new LightningState(backend, HEADS, DIM)) {
            // the same prefix first, so the state each form starts from is non-zero
            rec.recurrent(part(q, prefix + length, 0, prefix), part(k, prefix + length, 0, prefix),
                    part(v, prefix + length, 0, prefix), chunkedState);
            rec.recurrent(part(q, prefix + length, 0, prefix), part(k, prefix + length, 0, prefix),
                    part(v, prefix + length, 0, prefix), recurrentState);
            int n = prefix + length;
            float[] chunked = backend.toFloatArray(rec.chunked(part(q, n, prefix, n), part(k, n, prefix, n),
                    part(v, n, prefix, n), chunkedState));
            float[] recurrent = backend.toFloatArray(rec.recurrent(part(q, n, prefix, n), part(k, n, prefix, n),
                    part(v, n, prefix, n), recurrentState));
            double[] tail = new double[HEADS * length * DIM];
            for (int h = 0; h < HEADS; h++) {
                System.arraycopy(expected, (h * n + prefix) * DIM, tail, h * length * DIM, length * DIM);
            }
            assertClose(tail, chunked, "chunked output");
            assertClose(tail, recurrent, "recurrent output");
            double[] finalState = new double[HEADS * DIM * DIM];
            for (int h = 0; h < HEADS; h++) {
                for (int i = 0; i < DIM; i++) for (int j = 0; j < DIM; j++) finalState[(h * DIM + i) * DIM + j] = s[h][i][j];
            }
            assertClose(finalState, backend.toFloatArray(chunkedState.state()), "chunked state");
            assertClose(finalState, backend.toFloatArray(recurrentState.state()), "recurrent state");
        }
    }

    @Test
    void slopesAreAlibiSlopes() {
        double[] s32 = DecayRecurrence.slopes(32);
        for (int h = 0; h < 32; h++) assertTrue(Math.abs(s32[h] - Math.pow(2, -(h + 1) / 4.0)) < 1e-15);
        // 6 heads: the 4-head slopes, then every other slope of the 8-head set
        assertArrayEquals(new double[] {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125}, DecayRecurrence.slopes(6), 1e-15);
    }

    /** float64 loop; q, k, v as {@code [H, T, d]}; returns o {@code [H, T, d]} and leaves the final state in s. */
    private static double[] oracle(float[] q, float[] k, float[] v, int length, double[][][] s) {
        double[] slopes = DecayRecurrence.slopes(HEADS);
        double[] o = new double[q.length];
        for (int h = 0; h < HEADS; h++) {
            double lambda = Math.exp(-slopes[h]);
            for (int t = 0; t < length; t++) {
                int row = (h * length + t) * DIM;
                for (int i = 0; i < DIM; i++) {
                    for (int j = 0; j < DIM; j++) s[h][i][j] = lambda * s[h][i][j] + (double) k[row + i] * v[row + j];
                }
                for (int j = 0; j < DIM; j++) {
                    double acc = 0;
                    for (int i = 0; i < DIM; i++) acc += q[row + i] * s[h][i][j];
                    o[row + j] = SCALE * acc;
                }
            }
        }
        return o;
    }

    /** Tokens {@code [from, to)} of an {@code [H, length, d]} array as a tensor. */
    private static Tensor part(float[] x, int length, int from, int to) {
        float[] out = new float[HEADS * (to - from) * DIM];
        for (int h = 0; h < HEADS; h++) {
            System.arraycopy(x, (h * length + from) * DIM, out, h * (to - from) * DIM, (to - from) * DIM);
        }
        return backend.fromArray(out, HEADS, to - from, DIM);
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        double max = 0;
        for (double e : expected) max = Math.max(max, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= TOLERANCE * max,
                    what + " [" + i + "]: " + actual[i] + " vs " + expected[i]);
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
