package ai.ominix.audio;

import ai.ominix.audio.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding streams: a long file loads in a child JVM whose heap is about twice the 16 kHz float
 * result plus 40 MB of fixed overhead. Buffering the native-rate PCM (48 kHz stereo is 6× the
 * result) or a growing array (3× at the last doubling) would not fit.
 */
class MemoryTest {

    private static String run(long heapMb, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                MemoryProbe.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor() == 0, "child JVM with -Xmx" + heapMb + "m failed:\n" + out);
        return out;
    }

    private static long heapFor(long seconds) {
        long resultMb = seconds * 16_000L * 4 / (1 << 20);
        return 2 * resultMb + 40;
    }

    @Test
    void thirtyMinutesOf48kStereoWavStreamInTwiceTheResult() throws Exception {
        String out = run(heapFor(1800), "wav", "1800", "48000", "2");
        assertTrue(out.contains("samples=" + 1800 * 16_000), out);
    }

    @Test
    void tenMinuteMp3InTwiceTheResult() throws Exception {
        Path mp3 = Fixtures.ffmpeg(null, "tone-600s-22k.mp3", "-f", "lavfi", "-i", "sine=f=440:d=600:r=22050",
                "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k");
        String out = run(heapFor(600), "file", mp3.toString());
        assertTrue(out.contains("samples=" + 600 * 16_000), out);
    }
}
