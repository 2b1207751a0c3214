package ai.ominix.server.support;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.models.sala.TinySala;
import ai.ominix.server.OminixEnv;
import ai.ominix.server.OminixServer;
import ai.ominix.server.ServerOptions;
import ai.ominix.server.StandardParts;
import ai.ominix.server.engine.EngineLoaders;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assertions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The chat tests' server: the real tiny MiniCPM-SALA as {@value #CHAT} (the default chat model,
 * requests batched as {@code ominix serve} does by default),
 * optionally a {@link ScriptedAgent} as {@value #SCRIPTED}, optionally an API key, on a free
 * port; and the same checkpoint in-process without a prompt cache, the reference the server's
 * answers are compared with.
 */
public final class ChatServer implements AutoCloseable {
    public static final String CHAT = "tiny-sala";
    public static final String SCRIPTED = "scripted-agent";

    public final OminixServer server;
    public final Path modelsDir;
    private final Backend backend;
    private SalaChatEngine reference;

    private ChatServer(OminixServer server, Path modelsDir) {
        this.server = server;
        this.modelsDir = modelsDir;
        this.backend = Backends.open("cpu", 2);
    }

    /**
     * @param agent            served as {@value #SCRIPTED} when not null
     * @param apiKey           {@code --api-key}, or null
     * @param promptCacheBytes the served chat model's prompt cache
     */
    public static ChatServer start(Path root, ScriptedAgent agent, String apiKey, long promptCacheBytes) throws Exception {
        OminixEnv env = new OminixEnv(Map.of("OMINIX_HOME", root.resolve("home").toString(),
                "HF_HOME", root.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9"),
                Files.createDirectories(root.resolve("user")));
        ServerOptions opt = ServerOptions.defaults(env).withPort(0).withModels(null, CHAT).withSecurity(apiKey, List.of());
        TinySala.write(opt.modelsDir().resolve(CHAT), TinySala.Format.Q8, false);
        // as `ominix serve` runs it: requests batched (--parallel's default)
        EngineLoaders loaders = EngineLoaders.standard(promptCacheBytes, SalaChatEngine.Options.DEFAULT_PARALLEL,
                SalaChatEngine.Options.DEFAULT_PREFILL_CHUNK);
        if (agent != null) {
            TestServer.writeModel(opt.modelsDir().resolve(SCRIPTED), SalaConfig.MODEL_TYPE, false);
            SalaChatEngine.Options options = new SalaChatEngine.Options(SalaChatEngine.Options.DEFAULT.contextLength(), promptCacheBytes)
                    .withParallel(SalaChatEngine.Options.DEFAULT_PARALLEL, SalaChatEngine.Options.DEFAULT_PREFILL_CHUNK);
            loaders = EngineLoaders.builder()
                    .chat(SalaConfig.MODEL_TYPE, (dir, b) -> dir.endsWith(SCRIPTED) ? agent : SalaChatEngine.load(dir, b, options))
                    .build();
        }
        OminixServer server = OminixServer.start(opt, env, new OminixServer.Parts(loaders, kind -> Backends.open("cpu", 2),
                StandardParts.audio()), null);
        server.registry().awaitLoaded();
        return new ChatServer(server, opt.modelsDir());
    }

    public static ChatServer start(Path root, ScriptedAgent agent) throws Exception {
        return start(root, agent, null, SalaChatEngine.Options.DEFAULT_PROMPT_CACHE_BYTES);
    }

    /** The OpenAI-style base URL, {@code http://127.0.0.1:PORT/v1}. */
    public String base() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** The tiny checkpoint in-process, without a prompt cache. */
    public synchronized SalaChatEngine reference() {
        if (reference == null) {
            reference = SalaChatEngine.load(modelsDir.resolve(CHAT), backend, new SalaChatEngine.Options(32768, 0));
        }
        return reference;
    }

    /** What an SDK call of a Node driver returned, failing the test when it failed. */
    public static JsonNode value(JsonNode result) {
        Assertions.assertTrue(result.path("ok").asBoolean(), "the SDK call failed: " + result);
        return result.path("value");
    }

    @Override
    public void close() {
        server.close();
        if (reference != null) reference.close();
        backend.close();
    }
}
