package ai.ominix.server;

import ai.ominix.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting fails with a clear error, and leaves nothing running, when the server cannot listen. */
class ServerStartTest {
    @TempDir
    Path tmp;

    @Test
    void aPortInUseIsAnErrorNotAServerThatNeverListens() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            OminixEnv env = new OminixEnv(Map.of("OMINIX_HOME", tmp.resolve("home").toString(),
                    "HF_HOME", tmp.resolve("hf").toString()), tmp);
            ServerOptions opt = ServerOptions.defaults(env).withPort(taken.getLocalPort());
            var parts = new OminixServer.Parts(ai.ominix.server.engine.EngineLoaders.builder().build(),
                    kind -> TestServer.fakeBackend(), file -> new float[0]);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> OminixServer.start(opt, env, parts, null));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("--port 0"), e.getMessage());
        }
    }
}
