package ai.ominix.audio.decode;

import ai.ominix.audio.AudioLoader;
import ai.ominix.audio.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** WebM details the format matrix does not reach: live (unknown-size) segments and block lacing. */
class WebmTest {

    @TempDir
    Path tmp;

    @Test
    void liveStreamWithUnknownSegmentSizeDecodesLikeTheFile() throws Exception {
        Path speech = Fixtures.speech(Fixtures.SENTENCE);
        Path file = Fixtures.ffmpeg(speech, "speech-48k.webm", "-ar", "48000", "-c:a", "libopus");
        Path piped = tmp.resolve("piped.webm");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-i", speech.toString(),
                "-ar", "48000", "-c:a", "libopus", "-f", "webm", "-").redirectOutput(piped.toFile()).start();
        assertEquals(0, p.waitFor());
        assertArrayEquals(AudioLoader.load16kMono(file), AudioLoader.load16kMono(piped));
    }

    @Test
    void splitsXiphEbmlAndFixedLacing() {
        // Xiph: 3 frames of 300, 2, rest
        byte[] xiph = new byte[1 + 1 + 3 + 300 + 2 + 5];
        xiph[1] = 2;
        xiph[2] = (byte) 255;
        xiph[3] = 45;
        xiph[4] = 2;
        assertFrames(WebmDecoder.laced(xiph, 1, 1), new int[][] {{5, 300}, {305, 2}, {307, 5}});
        // EBML: 3 frames of 10, 7 (difference −3 as a 1-byte signed vint: 0x80 | (63 − 3)), rest
        byte[] ebml = new byte[1 + 1 + 1 + 1 + 10 + 7 + 4];
        ebml[1] = 2;
        ebml[2] = (byte) (0x80 | 10);
        ebml[3] = (byte) (0x80 | 60);
        assertFrames(WebmDecoder.laced(ebml, 1, 3), new int[][] {{4, 10}, {14, 7}, {21, 4}});
        // fixed: 4 frames sharing 20 bytes
        byte[] fixed = new byte[1 + 1 + 20];
        fixed[1] = 3;
        assertFrames(WebmDecoder.laced(fixed, 1, 2), new int[][] {{2, 5}, {7, 5}, {12, 5}, {17, 5}});
    }

    private static void assertFrames(List<int[]> actual, int[][] expected) {
        assertEquals(expected.length, actual.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual.get(i), "frame " + i);
        }
    }
}
