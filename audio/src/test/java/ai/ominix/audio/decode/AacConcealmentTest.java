package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioLoader;
import ai.ominix.audio.testing.Fixtures;
import net.sourceforge.jaad.mp4.MP4Container;
import net.sourceforge.jaad.mp4.MP4InputStream;
import net.sourceforge.jaad.mp4.api.Frame;
import net.sourceforge.jaad.mp4.api.Track;
import net.sourceforge.jaad.mp4.api.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An AAC frame JAAD cannot decode is concealed with silence; many of them make the file corrupt. */
class AacConcealmentTest {

    @TempDir
    Path tmp;

    private static List<long[]> frames(Path m4a) throws Exception {
        List<long[]> out = new ArrayList<>();
        try (RandomAccessFile raf = new RandomAccessFile(m4a.toFile(), "r")) {
            Track t = new MP4Container(MP4InputStream.open(raf)).getMovie().getTracks(Type.AUDIO).getFirst();
            while (t.hasMoreFrames()) {
                Frame f = t.readNextFrame();
                out.add(new long[] {f.getOffset(), f.getSize()});
            }
        }
        return out;
    }

    private Path damaged(Path m4a, List<long[]> frames, int every) throws Exception {
        byte[] b = Files.readAllBytes(m4a);
        for (long i = 50; i < frames.size(); i += every) {
            long[] f = frames.get((int) i);
            for (int k = 2; k < f[1]; k++) {
                b[(int) f[0] + k] = (byte) 0xFF; // JAAD: "unexpected profile for LTP"
            }
        }
        return Files.write(tmp.resolve("damaged-" + every + ".m4a"), b);
    }

    @Test
    void oneBadFrameBecomesSilenceOfTheSameLength() throws Exception {
        Path m4a = Fixtures.encode(Fixtures.speech(Fixtures.SENTENCE), Fixtures.Codec.M4A, 44_100, 2);
        List<long[]> frames = frames(m4a);
        float[] good = AudioLoader.load16kMono(m4a);
        float[] concealed = AudioLoader.load16kMono(damaged(m4a, frames, Integer.MAX_VALUE));
        assertEquals(good.length, concealed.length);
        // decoded frame k covers [(k − 1)·1024, k·1024) once the 1024 priming samples are dropped
        int start = (int) (49 * 1024L * 16_000 / 44_100), end = (int) (50 * 1024L * 16_000 / 44_100);
        int from = start - 400, to = end + 800; // excluded from the comparison: overlap and filter spread
        double ab = 0, aa = 0, bb = 0, silent = 0;
        for (int i = 0; i < good.length; i++) {
            if (i >= from && i < to) {
                continue;
            }
            ab += (double) good[i] * concealed[i];
            aa += (double) good[i] * good[i];
            bb += (double) concealed[i] * concealed[i];
        }
        for (int i = start + 60; i < end - 60; i++) {
            silent = Math.max(silent, Math.abs(concealed[i]));
        }
        assertTrue(ab / Math.sqrt(aa * bb) > 0.99, "outside the bad frame the audio is unchanged");
        assertTrue(silent < 0.05, "the bad frame is (near) silence: " + silent);
    }

    @Test
    void manyBadFramesAreCorruption() throws Exception {
        Path m4a = Fixtures.encode(Fixtures.speech(Fixtures.SENTENCE), Fixtures.Codec.M4A, 44_100, 2);
        Path bad = damaged(m4a, frames(m4a), 5);
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioLoader.load16kMono(bad));
        assertTrue(e.getMessage().contains("undecodable"), e.getMessage());
    }
}
