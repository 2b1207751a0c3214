package ai.ominix.audio.dsp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mixed-radix FFT and the real power spectrum against a float64 O(n²) DFT on random input. */
class FftTest {

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 25, 30, 49, 77, 97, 100, 200, 210, 400, 1000})
    void complexMatchesDft(int n) {
        Random rnd = new Random(n);
        double[] x = new double[2 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        double[] expected = new double[2 * n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                double a = -2 * Math.PI * ((long) j * k % n) / n;
                expected[2 * k] += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
                expected[2 * k + 1] += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
            }
        }
        double[] y = x.clone();
        new Fft(n).forward(y, new double[2 * n]);
        assertMaxDiff(expected, y, 1e-9 * n);
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {2, 6, 10, 18, 400, 402})
    void realPowerMatchesDft(int n) {
        Random rnd = new Random(31 + n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextGaussian();
        }
        double[] expected = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            double re = 0, im = 0;
            for (int j = 0; j < n; j++) {
                double a = 2 * Math.PI * ((long) j * k % n) / n;
                re += x[j] * Math.cos(a);
                im -= x[j] * Math.sin(a);
            }
            expected[k] = re * re + im * im;
        }
        RealFft fft = new RealFft(n);
        RealFft.Work work = fft.work();
        System.arraycopy(x, 0, work.input, 0, n);
        double[] power = new double[n / 2 + 1];
        fft.power(work, power);
        assertMaxDiff(expected, power, 1e-9 * n * n);
    }

    private static void assertMaxDiff(double[] expected, double[] actual, double tol) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tol, "max |diff| " + worst + " > " + tol);
    }
}
