package ai.ominix.server;

import ai.ominix.server.support.EngineControl;
import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A client that closes its connection while its request runs cancels the work, also before any
 * byte of the response exists (a non-streaming request, or a stream still in its prefill): the
 * engine sees the cancellation within a poll of the kernel's TCP table plus one step, and the
 * worker is free again. Needs Linux's /proc/net/tcp (elsewhere disconnects are noticed only
 * when the response is written; README, Troubleshooting).
 */
class ClientDisconnectTest {
    private static final String CHAT_PATH = "/v1/chat/completions";

    @TempDir
    Path tmp;

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")),
                "no /proc/net/tcp on this OS: the server cannot see a disconnect before it writes");
    }

    private static String chat(boolean stream, int words) {
        return "{\"stream\": " + stream + ", \"messages\": [{\"role\": \"user\", \"content\": \""
                + "word ".repeat(words).strip() + "\"}]}";
    }

    /**
     * Once the engine runs, and the watcher has had time to see the connection established,
     * closes the client socket (a reset instead of FIN when {@code reset}) and asserts that the
     * engine sees the cancellation within 2.5 s (one 100 ms poll, with room for a loaded machine).
     */
    private static void leaveAndAwaitCancel(Socket sock, EngineControl engine, boolean reset) throws Exception {
        assertTrue(engine.started.await(5, TimeUnit.SECONDS));
        Thread.sleep(300);
        long t0 = System.nanoTime();
        if (reset) sock.setSoLinger(true, 0); // RST: the server's socket vanishes from the table
        sock.close(); // FIN: the server's socket goes to CLOSE_WAIT
        for (int i = 0; i < 300 && engine.cancelled.get() == 0; i++) Thread.sleep(10);
        assertEquals(1, engine.cancelled.get(), "the engine saw the cancellation");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2500, "cancelled after " + ms + " ms (the SSE heartbeat alone would take 5 s)");
    }

    @Test
    void closingDuringANonStreamingChatStopsTheGeneration() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            s.chat.delayPerTokenMs = 50; // 200 words: 10 s if nobody stops it
            Socket sock = s.rawPostJson(CHAT_PATH, chat(false, 200));
            leaveAndAwaitCancel(sock, s.chat, false);
            // The worker is free: the next request runs at once.
            s.chat.delayPerTokenMs = 0;
            assertEquals(200, s.postJson("/v1/chat/completions", WorkersAndHealthTest.CHAT).statusCode());
            assertEquals(2, s.chat.calls.get());
            // Counted as nginx's 499 (client closed request), not as a server error.
            String metrics = s.get("/metrics").body();
            assertTrue(metrics.contains("ominix_requests_total{route=\"/v1/chat/completions\",method=\"POST\",status=\"499\"} 1"),
                    metrics);
        }
    }

    @Test
    void aResetConnectionStopsTheGenerationToo() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            s.chat.delayPerTokenMs = 50;
            Socket sock = s.rawPostJson(CHAT_PATH, chat(false, 200));
            leaveAndAwaitCancel(sock, s.chat, true);
        }
    }

    @Test
    void closingWhileQueuedSkipsTheJob() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            s.chat.hold = new CountDownLatch(1);
            var first = WorkersAndHealthTest.async(s, WorkersAndHealthTest.CHAT);
            assertTrue(s.chat.started.await(5, TimeUnit.SECONDS));
            Socket queued = s.rawPostJson(CHAT_PATH, chat(false, 3));
            for (int i = 0; i < 200 && s.healthOf("tiny-chat").path("queued").asInt() == 0; i++) Thread.sleep(10);
            assertEquals(1, s.healthOf("tiny-chat").path("queued").asInt());
            queued.close();
            Thread.sleep(500);
            s.chat.hold.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
            Thread.sleep(200);
            assertEquals(1, s.chat.calls.get(), "the queued request of the client that left never ran");
        }
    }

    @Test
    void closingDuringTheSilenceBeforeTheFirstStreamedPieceStopsIt() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            s.chat.hold = new CountDownLatch(1); // a long prefill: nothing to write yet
            Socket sock = s.rawPostJson(CHAT_PATH, chat(true, 5));
            leaveAndAwaitCancel(sock, s.chat, false);
        }
    }

    @Test
    void closingDuringANonStreamingTranscriptionStopsIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("audio")).toAbsolutePath();
        Path audio = TestAudio.writeWav(dir.resolve("long.wav"), 60); // 60 segments of 100 ms
        try (TestServer s = TestServer.builder(tmp).allowFilePaths(List.of(dir)).start()) {
            s.awaitReady();
            s.asr.delayPerSegmentMs = 100;
            String body = "{\"file_path\": \"" + audio + "\", \"response_format\": \"verbose_json\"}";
            Socket sock = s.rawPostJson("/v1/audio/transcriptions", body);
            leaveAndAwaitCancel(sock, s.asr, false);
        }
    }

    @Test
    void aClientThatStaysGetsItsAnswer() throws Exception {
        try (TestServer s = TestServer.builder(tmp).start()) {
            s.awaitReady();
            s.chat.delayPerTokenMs = 100; // 1.2 s: a dozen polls of the table
            HttpResponse<String> r = s.postJson("/v1/chat/completions", chat(false, 12));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(12, TestServer.json(r).at("/usage/completion_tokens").asInt());
            // Same connection (keep-alive), next request: still fine.
            r = s.postJson("/v1/chat/completions", chat(false, 12));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(0, s.chat.cancelled.get());
        }
    }
}
