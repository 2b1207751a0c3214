package ai.ominix.audio;

import ai.ominix.audio.testing.Fixtures;
import ai.ominix.audio.testing.Fixtures.WavEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WAV sample layouts decoded exactly; mix-down, normalisation and header variants. */
class WavTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> layouts() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (WavEncoding enc : WavEncoding.values()) {
            for (boolean ext : new boolean[] {false, true}) {
                for (int ch : new int[] {1, 2, 3}) {
                    b.add(Arguments.of(enc, ext, ch));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} extensible={1} {2} ch")
    @MethodSource("layouts")
    void decodesEverySampleLayoutExactly(WavEncoding enc, boolean extensible, int channels) {
        int frames = 1_601;
        Random rnd = new Random(frames * channels + enc.ordinal());
        float[] x = new float[frames * channels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.max(-1, Math.min(1, 0.4 * rnd.nextGaussian()));
        }
        Path file = Fixtures.writeWav(tmp.resolve("x.wav"), x, 16_000, channels, enc, extensible);
        float[] expected = new float[frames];
        for (int f = 0; f < frames; f++) {
            float s = 0;
            for (int c = 0; c < channels; c++) {
                s += Fixtures.quantized(x[f * channels + c], enc);
            }
            expected[f] = s * (1f / channels);
        }
        assertArrayEquals(expected, AudioLoader.load16kMono(file), 1e-7f);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pcm_alaw", "pcm_mulaw", "pcm_u8", "pcm_s24le", "pcm_f64le"})
    void readsWhatFfmpegWrites(String codec) {
        Path speech = Fixtures.speech(Fixtures.SENTENCE);
        Path coded = Fixtures.ffmpeg(speech, "speech-" + codec + ".wav", "-ar", "16000", "-c:a", codec);
        Path plain = Fixtures.ffmpeg(coded, "speech-" + codec + "-as-f32.wav", "-c:a", "pcm_f32le");
        assertArrayEquals(AudioLoader.load16kMono(plain), AudioLoader.load16kMono(coded), 1e-6f);
    }

    @Test
    void streamingHeaderWithUnknownSizesReadsToTheEnd() throws Exception {
        float[] x = Fixtures.tone(300, 0.5, 16_000, 0.5);
        byte[] wav = Files.readAllBytes(Fixtures.writeWav(tmp.resolve("t.wav"), x, 16_000, 1, WavEncoding.F32, false));
        int data = indexOf(wav, "data");
        for (int i = 0; i < 4; i++) {
            wav[4 + i] = (byte) 0xFF;
            wav[data + 4 + i] = (byte) 0xFF;
        }
        assertArrayEquals(x, AudioLoader.load16kMono(new ByteArrayInputStream(wav)));
    }

    @Test
    void loudInputIsScaledByItsPeakAndNothingExceedsOne() {
        float[] x = {0.5f, -3f, 1.5f, 0.25f, Float.NaN};
        float[] y = AudioLoader.load16kMono(Fixtures.writeWav(tmp.resolve("loud.wav"), x, 16_000, 1, WavEncoding.F32, false));
        assertArrayEquals(new float[] {0.5f / 3, -1f, 0.5f, 0.25f / 3, 0f}, y, 1e-7f);
        float[] quiet = {0.5f, -0.25f};
        assertArrayEquals(quiet, AudioLoader.load16kMono(Fixtures.writeWav(tmp.resolve("q.wav"), quiet, 16_000, 1, WavEncoding.F32, false)));
    }

    @Test
    void resamplesToSixteenKilohertz() {
        float[] x = Fixtures.tone(1000, 1.0, 44_100, 0.5);
        float[] y = AudioLoader.load16kMono(Fixtures.writeWav(tmp.resolve("t.wav"), x, 44_100, 1, WavEncoding.S16, false));
        assertEquals(16_000, y.length);
        assertTrue(Signals.correlation(Fixtures.tone(1000, 1.0, 16_000, 0.5), y, 0) > 0.999);
    }

    @Test
    void probeReadsTheHeaderOnly() {
        float[] x = Fixtures.tone(1000, 0.25, 22_050, 0.5);
        AudioInfo info = AudioLoader.probe(Fixtures.writeWav(tmp.resolve("p.wav"), new float[x.length * 2], 22_050, 2,
                WavEncoding.S24, true));
        assertEquals("wav", info.format());
        assertEquals(22_050, info.sampleRate());
        assertEquals(2, info.channels());
        assertEquals(0.25, info.durationSeconds(), 1e-4);
    }

    private static int indexOf(byte[] b, String s) {
        outer:
        for (int i = 0; i + s.length() <= b.length; i++) {
            for (int j = 0; j < s.length(); j++) {
                if (b[i + j] != s.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
