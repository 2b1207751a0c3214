package ai.ominix.audio;

import ai.ominix.audio.testing.Fixtures;
import ai.ominix.audio.testing.Fixtures.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything that is not decodable audio ends in {@link AudioFormatException} with a message that
 * says what was found, within bounded time: unknown formats, empty input, truncation at any
 * point, random damage.
 */
class BadInputTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private static AudioFormatException rejects(byte[] bytes) {
        return assertTimeoutPreemptively(BOUND,
                () -> assertThrows(AudioFormatException.class, () -> AudioLoader.load16kMono(new ByteArrayInputStream(bytes))));
    }

    private static void assertMessage(AudioFormatException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void namesWhatItFound() {
        assertMessage(rejects(new byte[0]), "empty");
        assertMessage(rejects(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}),
                "not a supported audio file: starts with bytes 'PK\\u0003\\u0004' (ZIP archive)");
        assertMessage(rejects("%PDF-1.7\n%âãÏÓ".getBytes(StandardCharsets.ISO_8859_1)), "PDF");
        assertMessage(rejects("hello, this is not audio\n".getBytes(StandardCharsets.US_ASCII)), "'hell'", "text");
        assertMessage(rejects(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}), "PNG");
        assertMessage(rejects(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16}), "JPEG");
        assertMessage(rejects("RIFF\u0010\0\0\0AVI LIST".getBytes(StandardCharsets.ISO_8859_1)), "RIFF but not WAVE");
        assertMessage(rejects("OggS\0\2\0\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0\0\0\0\0\1\u001e\u0001theora\u0003\u0002\u0001\0\0".getBytes(StandardCharsets.ISO_8859_1)),
                "Theora");
        assertMessage(rejects("ID3\4\0\0\0\0\0\2ab".getBytes(StandardCharsets.ISO_8859_1)), "ID3");
    }

    @Test
    void webmWithoutOpusIsRejectedClearly() throws IOException {
        Path vorbis = Fixtures.ffmpeg(Fixtures.speech(Fixtures.SENTENCE), "speech-vorbis.webm", "-c:a", "libvorbis");
        assertMessage(rejects(Files.readAllBytes(vorbis)), "WebM audio codec A_VORBIS is not supported");
    }

    @Test
    void randomBytesAreRejected() {
        Random rnd = new Random(11);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[1 + rnd.nextInt(5000)];
            rnd.nextBytes(b);
            rejects(b);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"WAV", "FLAC", "MP3", "M4A", "OGG_VORBIS", "OGG_OPUS", "WEBM_OPUS"})
    void truncationIsReported(Codec codec) throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.encode(Fixtures.speech(Fixtures.SENTENCE), codec, 22_050, 2));
        for (double keep : new double[] {0.0005, 0.01, 0.5, 0.97}) {
            byte[] cut = Arrays.copyOf(whole, Math.max(4, (int) (whole.length * keep)));
            AudioFormatException e = rejects(cut);
            assertTrue(e.getMessage().toLowerCase().matches(".*(truncated|corrupt|no audio|no samples|unreadable).*"),
                    codec + " cut at " + keep + ": " + e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"WAV", "FLAC", "MP3", "M4A", "OGG_VORBIS", "OGG_OPUS", "WEBM_OPUS"})
    void damageNeverEscapesAsAnotherException(Codec codec) throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.encode(Fixtures.speech(Fixtures.SENTENCE), codec, 16_000, 1));
        Random rnd = new Random(codec.ordinal());
        for (int trial = 0; trial < 25; trial++) {
            byte[] b = whole.clone();
            int hits = 1 + rnd.nextInt(40);
            for (int h = 0; h < hits; h++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            assertTimeoutPreemptively(BOUND, () -> {
                try {
                    AudioLoader.load16kMono(new ByteArrayInputStream(b));
                } catch (AudioFormatException expected) {
                    // rejected with our error: fine; decoding through the damage is fine too
                }
            });
        }
    }

    @Test
    void aStalledStreamFailsInsteadOfHanging() throws IOException {
        byte[] head = Arrays.copyOf(Files.readAllBytes(Fixtures.encode(Fixtures.speech(Fixtures.SENTENCE), Codec.WAV, 16_000, 1)), 4096);
        InputStream stalls = new SequenceInputStream(new ByteArrayInputStream(head), new InputStream() {
            @Override
            public int read() {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        });
        AudioFormatException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(AudioFormatException.class, () -> AudioLoader.load16kMono(stalls)));
        assertMessage(e, "no progress");
    }
}
