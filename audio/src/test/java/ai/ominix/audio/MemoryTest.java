package ai.ominix.audio;

import ai.ominix.audio.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding streams: long audio loads in a child JVM (default GC) whose heap is the 16 kHz float
 * result plus 48 MB when the container states the length, and twice the result plus 48 MB when it
 * does not. Buffering the native-rate PCM (48 kHz stereo is 6× the result) or growing an array by
 * doubling (3× at the last step) would not fit.
 */
class MemoryTest {

    private static String run(long heapMb, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "-Xmx" + heapMb + "m", "-cp", System.getProperty("java.class.path"), MemoryProbe.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor() == 0, "child JVM with -Xmx" + heapMb + "m failed:\n" + out);
        return out;
    }

    private static long resultMb(long seconds) {
        return seconds * 16_000L * 4 / (1 << 20);
    }

    @Test
    void thirtyMinutesOf48kStereoWavInOnceTheResult() throws Exception {
        String out = run(resultMb(1800) + 48, "wav", "1800", "48000", "2");
        assertTrue(out.contains("samples=" + 1800 * 16_000), out);
    }

    @Test
    void fifteenMinutesOfWavWithoutStatedLengthInTwiceTheResult() throws Exception {
        String out = run(2 * resultMb(900) + 48, "wav", "900", "48000", "2", "unknown");
        assertTrue(out.contains("samples=" + 900 * 16_000), out);
    }

    @Test
    void tenMinuteMp3InOnceTheResult() throws Exception {
        Path mp3 = Fixtures.ffmpeg(null, "tone-600s-22k.mp3", "-f", "lavfi", "-i", "sine=f=440:d=600:r=22050",
                "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k");
        String out = run(resultMb(600) + 48, "file", mp3.toString());
        assertTrue(out.contains("samples=" + 600 * 16_000), out);
    }
}
