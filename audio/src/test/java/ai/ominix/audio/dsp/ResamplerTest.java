package ai.ominix.audio.dsp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resampler's stated pass- and stopband, its length rule and chunking invariance. */
class ResamplerTest {

    static float[] resample(float[] x, int in, int out, int chunk) {
        float[][] acc = {new float[0]};
        int[] len = {0};
        Resampler r = new Resampler(in, out, (b, off, n) -> {
            if (len[0] + n > acc[0].length) {
                acc[0] = Arrays.copyOf(acc[0], Math.max(len[0] + n, acc[0].length * 2));
            }
            System.arraycopy(b, off, acc[0], len[0], n);
            len[0] += n;
        });
        for (int i = 0; i < x.length; i += chunk) {
            r.process(x, i, Math.min(chunk, x.length - i));
        }
        r.flush();
        return Arrays.copyOf(acc[0], len[0]);
    }

    static float[] tone(double hz, int n, int rate) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.8 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    @ParameterizedTest(name = "{0} Hz -> 16 kHz")
    @CsvSource({"44100", "48000", "22050", "8000", "11025", "32000", "96000"})
    void keepsAOneKilohertzTone(int rate) {
        float[] y = resample(tone(1000, rate, rate), rate, 16_000, 4096);
        assertEquals(16_000, y.length);
        float[] ideal = tone(1000, 16_000, 16_000);
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < y.length; i++) {
            ab += (double) y[i] * ideal[i];
            aa += (double) y[i] * y[i];
            bb += (double) ideal[i] * ideal[i];
        }
        double corr = ab / Math.sqrt(aa * bb);
        assertTrue(corr >= 0.999, "correlation " + corr);
        // the edges see the zero signal outside the input; the middle is the passband gain
        double rmsRatio = Math.sqrt(rms2(y, 1000, 15_000) / rms2(ideal, 1000, 15_000));
        assertEquals(1.0, rmsRatio, 1e-3, "passband gain");
    }

    @ParameterizedTest(name = "{0} Hz tone at {1} Hz")
    @CsvSource({"12000, 44100", "9000, 44100", "8400, 48000", "20000, 48000", "8000, 22050"})
    void rejectsTonesAboveTheNewNyquist(double hz, int rate) {
        float[] x = tone(hz, rate, rate);
        float[] y = resample(x, rate, 16_000, 1000);
        // steady state: the first and last 20 ms hold the switch-on/off transients of the tone
        double db = 10 * Math.log10(rms2(y, 320, y.length - 320) / rms2(x, 0, x.length));
        assertTrue(db < -60, hz + " Hz came out at " + db + " dB");
        double withEdges = 10 * Math.log10(rms2(y, 0, y.length) / rms2(x, 0, x.length));
        System.out.printf("%.0f Hz at %d Hz: %.1f dB steady, %.1f dB with edges%n", hz, rate, db, withEdges);
    }

    @Test
    void outputDoesNotDependOnChunking() {
        Random rnd = new Random(5);
        float[] x = new float[44_100 + 37];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] whole = resample(x, 44_100, 16_000, x.length);
        for (int chunk : new int[] {1, 7, 160, 1023, 8191}) {
            assertArrayEquals(whole, resample(x, 44_100, 16_000, chunk), "chunk " + chunk);
        }
    }

    @Test
    void lengthIsCeilingOfScaledInput() {
        for (int n : new int[] {0, 1, 2, 440, 441, 442, 10_007}) {
            assertEquals(Resampler.outputLength(n, 44_100, 16_000), resample(new float[n], 44_100, 16_000, 64).length);
            assertEquals((long) Math.ceil(n * 16_000.0 / 44_100), Resampler.outputLength(n, 44_100, 16_000));
        }
        assertEquals(2 * 777, resample(new float[777], 8_000, 16_000, 100).length);
    }

    private static double rms2(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[i] * x[i];
        }
        return s / (to - from);
    }

    @Test
    void vectorAndScalarInnerProductsAgree() {
        Random rnd = new Random(9);
        for (int n : new int[] {1, 15, 16, 17, 100, 278, 302}) {
            float[] x = new float[n + 5], h = new float[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < h.length; i++) h[i] = (float) rnd.nextGaussian();
            double exact = 0, norm = 0;
            for (int i = 0; i < n; i++) {
                exact += (double) x[5 + i] * h[3 + i];
                norm += Math.abs((double) x[5 + i] * h[3 + i]);
            }
            assertEquals(exact, Resampler.scalarDot(x, 5, h, 3, n), 1e-6 * norm);
            assertEquals(exact, VectorDot.dot(x, 5, h, 3, n), 1e-6 * norm);
        }
    }
}
