package ai.ominix.audio;

import ai.ominix.audio.LogMel.MelSpectrogram;
import ai.ominix.audio.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LogMel} against two independent implementations: {@link ReferenceLogMel} (float64, plain
 * DFT, Java) and the numpy script {@code src/test/python/whisper_logmel.py}, run at test time with
 * Debian's /usr/bin/python3 + python3-numpy. Tolerance: max |Δ| ≤ 1e-4 (observed ~1e-6; the
 * features are float32 of magnitude ~1).
 */
class LogMelTest {

    private static final double TOLERANCE = 1e-4;
    private static final Path SCRIPT = Path.of("src/test/python/whisper_logmel.py").toAbsolutePath();

    @Test
    void frameCountIsSamplesOverHop() {
        assertEquals(0, LogMel.frames(0));
        assertEquals(0, LogMel.frames(159));
        assertEquals(1, LogMel.frames(160));
        assertEquals(100, LogMel.frames(16_000));
        assertEquals(102, LogMel.frames(16_454));
        assertEquals(360_000, LogMel.frames(57_600_000));
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {0, 1, 100, 159, 160, 161, 199, 200, 201, 399, 401, 1_601, 16_000, 16_001, 23_457})
    void matchesFloat64ReferenceOnNoiseOfAwkwardLengths(int n) {
        float[] x = noise(n, n);
        assertClose(ReferenceLogMel.compute(x), LogMel.compute(x));
    }

    @Test
    void matchesReferenceOnSilenceClippingAndTones() {
        assertClose(ReferenceLogMel.compute(new float[4_321]), LogMel.compute(new float[4_321]));
        float[] clipped = new float[8_003];
        for (int i = 0; i < clipped.length; i++) {
            clipped[i] = Math.signum((float) Math.sin(i * 0.031)) * (i % 7 == 0 ? -1f : 1f);
        }
        assertClose(ReferenceLogMel.compute(clipped), LogMel.compute(clipped));
        float[] tone = Fixtures.tone(440, 0.75, 16_000, 0.5);
        assertClose(ReferenceLogMel.compute(tone), LogMel.compute(tone));
    }

    @Test
    void silenceIsConstant() {
        MelSpectrogram mel = LogMel.compute(new float[16_000]);
        assertEquals(100, mel.frames());
        for (float v : mel.data()) {
            assertEquals((-10 + 4) / 4f, v, 0f);
        }
    }

    @Test
    void matchesReferenceAndNumpyOnSpeech() throws Exception {
        float[] speech = AudioLoader.load16kMono(Fixtures.speech(Fixtures.SENTENCE));
        MelSpectrogram mel = LogMel.compute(speech);
        assertClose(ReferenceLogMel.compute(speech), mel);
        assertClose(numpy(speech, "speech"), mel);
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {0, 160, 200, 16_000, 48_017})
    void matchesNumpyOnEdgeCases(int n) throws Exception {
        float[] x = noise(n, 7 * n + 1);
        if (n == 16_000) {
            for (int i = 0; i < n; i++) {
                x[i] = x[i] > 0 ? 1f : -1f; // full-scale clipping, exactly one 100-frame chunk
            }
        }
        assertClose(numpy(x, "edge-" + n), LogMel.compute(x));
    }

    @Test
    void matchesNumpyOnOneHour() throws Exception {
        float[] speech = AudioLoader.load16kMono(Fixtures.speech(Fixtures.SENTENCE));
        float[] hour = new float[3600 * 16_000];
        Random rnd = new Random(3);
        for (int i = 0; i < hour.length; i++) {
            // speech at a slowly varying gain over quiet noise: a realistic dynamic range
            double gain = 0.2 + 0.8 * Math.abs(Math.sin(i / 16_000.0 / 37));
            hour[i] = (float) (gain * speech[i % speech.length] + 1e-3 * rnd.nextGaussian());
        }
        MelSpectrogram mel = LogMel.compute(hour);
        assertEquals(360_000, mel.frames());
        assertClose(numpy(hour, "hour"), mel);
    }

    private static float[] noise(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.3 * rnd.nextGaussian() * (1 + Math.sin(i * 0.001)));
        }
        return x;
    }

    private static float[] numpy(float[] x, String name) throws Exception {
        Path in = Fixtures.dir().resolve("logmel-" + name + ".in.f32");
        Path out = Fixtures.dir().resolve("logmel-" + name + ".out.f32");
        Fixtures.writeF32(in, x);
        try {
            Fixtures.run("/usr/bin/python3", SCRIPT.toString(), in.toString(), out.toString());
            return Fixtures.readF32(out);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    private static void assertClose(double[][] expected, MelSpectrogram actual) {
        assertEquals(128, actual.nMels());
        assertEquals(expected[0].length, actual.frames());
        double worst = 0;
        for (int m = 0; m < 128; m++) {
            for (int t = 0; t < actual.frames(); t++) {
                worst = Math.max(worst, Math.abs(expected[m][t] - actual.get(m, t)));
            }
        }
        assertTrue(worst <= TOLERANCE, "max |diff| " + worst);
    }

    private static void assertClose(float[] expected, MelSpectrogram actual) {
        assertEquals(expected.length, actual.data().length, "numpy gave a different frame count");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual.data()[i]));
        }
        assertTrue(worst <= TOLERANCE, "max |diff| vs numpy " + worst);
    }
}
