package ai.ominix.server;

import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code src/test/sh/curl-api.sh}: every endpoint through curl, as a user would call it. */
class CurlTest {
    @TempDir
    Path tmp;

    @Test
    void curlAgainstARunningServer() throws Exception {
        Path audio = java.nio.file.Files.createDirectories(tmp.resolve("audio"));
        Path wav = TestAudio.writeWav(audio.resolve("clip.wav"), 2);
        Path longWav = TestAudio.writeWav(audio.resolve("long.wav"), 40); // 1.3 MB
        try (TestServer s = TestServer.builder(tmp).allowFilePaths(List.of(audio)).uploadMb(2).start()) {
            s.awaitReady();
            Process p = new ProcessBuilder("bash", "src/test/sh/curl-api.sh", s.baseUrl(), wav.toString(), longWav.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains(" passed, 0 failed"), out);
            assertEquals(List.of(), s.leftoverUploads());
            assertEquals(200, s.get("/health").statusCode());
        }
    }
}
