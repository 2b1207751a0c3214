package ai.ominix.audio;

import ai.ominix.audio.testing.Fixtures;
import ai.ominix.audio.testing.Fixtures.Codec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every format at 8, 16, 22.05, 44.1 and 48 kHz, mono and stereo, encoded by ffmpeg from the same
 * espeak-ng speech, decoded through {@link AudioLoader} and compared with the 16-bit WAV of the
 * same rate and layout: same timeline (best lag 0), same length, high correlation.
 */
class FormatsTest {

    static Path speech;

    @BeforeAll
    static void speech() {
        speech = Fixtures.speech(Fixtures.SENTENCE);
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Codec codec : new Codec[] {Codec.FLAC, Codec.MP3, Codec.M4A, Codec.OGG_VORBIS, Codec.OGG_OPUS, Codec.WEBM_OPUS}) {
            for (int rate : new int[] {8000, 16000, 22050, 44100, 48000}) {
                for (int ch = 1; ch <= 2; ch++) {
                    b.add(Arguments.of(codec, rate, ch));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} Hz {2} ch")
    @MethodSource("cases")
    void decodesLikeTheWavReference(Codec codec, int rate, int channels) throws Exception {
        float[] reference = AudioLoader.load16kMono(Fixtures.encode(speech, Codec.WAV, rate, channels));
        Path file = Fixtures.encode(speech, codec, rate, channels);
        float[] decoded = AudioLoader.load16kMono(file);
        int lag = Signals.bestLag(reference, decoded, 800);
        double corr = Signals.correlation(reference, decoded, 0);
        System.out.printf("%s %d %d: ref %d dec %d (%+d) lag %d corr %.5f%n", codec, rate, channels,
                reference.length, decoded.length, decoded.length - reference.length, lag, corr);
        if (codec == Codec.FLAC) {
            assertArrayEquals(reference, decoded, "FLAC is lossless");
            return;
        }
        assertEquals(0, lag, "timeline offset (samples at 16 kHz)");
        // MP4 edit lists are in milliseconds (ffmpeg's movie timescale is 1000)
        int lengthTolerance = codec == Codec.M4A ? 16 : 1;
        assertTrue(Math.abs(decoded.length - reference.length) <= lengthTolerance,
                "length " + decoded.length + " vs " + reference.length);
        double minCorr = rate == 8000 ? 0.95 : 0.98;
        assertTrue(corr >= minCorr, "correlation " + corr);
        try (InputStream in = Files.newInputStream(file)) {
            float[] streamed = AudioLoader.load16kMono(in);
            if (codec == Codec.M4A) {
                // JAAD's noise substitution draws from a shared random generator: not bit-reproducible
                assertEquals(decoded.length, streamed.length);
                assertTrue(Signals.correlation(decoded, streamed, 0) > 0.999);
            } else {
                assertArrayEquals(decoded, streamed, "stream and file decode alike");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(value = Codec.class, names = {"WAV", "FLAC", "MP3", "M4A", "OGG_VORBIS", "OGG_OPUS", "WEBM_OPUS"})
    void probeReportsFormatRateChannelsAndDuration(Codec codec) {
        Path file = Fixtures.encode(speech, codec, 44_100, 2);
        AudioInfo info = AudioLoader.probe(file);
        double seconds = AudioLoader.load16kMono(Fixtures.encode(speech, Codec.WAV, 44_100, 2)).length / 16_000.0;
        String expectedFormat = switch (codec) {
            case WAV -> "wav";
            case FLAC -> "flac";
            case MP3 -> "mp3";
            case M4A -> "m4a/aac";
            case OGG_VORBIS -> "ogg/vorbis";
            case OGG_OPUS -> "ogg/opus";
            case WEBM_OPUS -> "webm/opus";
        };
        assertEquals(expectedFormat, info.format());
        assertEquals(2, info.channels());
        boolean opus = codec == Codec.OGG_OPUS || codec == Codec.WEBM_OPUS;
        assertEquals(opus ? 48_000 : 44_100, info.sampleRate());
        if (codec == Codec.OGG_VORBIS || opus) {
            assertTrue(Double.isNaN(info.durationSeconds()), "duration needs a full scan: not probed");
        } else {
            assertEquals(seconds, info.durationSeconds(), 0.002);
        }
    }

    @org.junit.jupiter.api.Test
    void flac24BitIsBitExact() {
        Path wav24 = Fixtures.ffmpeg(speech, "speech-48k-s24.wav", "-ar", "48000", "-c:a", "pcm_s24le");
        Path flac24 = Fixtures.ffmpeg(wav24, "speech-48k-s24.flac", "-c:a", "flac", "-sample_fmt", "s32");
        assertArrayEquals(AudioLoader.load16kMono(wav24), AudioLoader.load16kMono(flac24));
    }

    @org.junit.jupiter.api.Test
    void mp3WithoutLameTagKeepsTheCodecDelay() {
        float[] reference = AudioLoader.load16kMono(Fixtures.encode(speech, Codec.WAV, 44_100, 1));
        Path bare = Fixtures.ffmpeg(Fixtures.encode(speech, Codec.WAV, 44_100, 1), "speech-44k-noxing.mp3",
                "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0");
        float[] decoded = AudioLoader.load16kMono(bare);
        // without the tag nothing says how much to trim: LAME's 576 + the decoder's 529 samples remain
        int expectedLag = (int) Math.round((576 + 529) * 16_000 / 44_100.0);
        int lag = Signals.bestLag(reference, decoded, 800);
        assertTrue(Math.abs(lag - expectedLag) <= 1, "lag " + lag);
        assertTrue(Signals.correlation(reference, decoded, lag) > 0.99);
    }
}
