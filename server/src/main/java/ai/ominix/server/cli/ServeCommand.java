package ai.ominix.server.cli;

import ai.ominix.server.OminixEnv;
import ai.ominix.server.OminixServer;
import ai.ominix.server.ServerOptions;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.server.StandardParts;
import ai.ominix.server.engine.Bytes;
import ai.ominix.server.engine.KeepAlive;
import ai.ominix.server.http.ApiException;
import ai.ominix.server.http.ChatParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the OpenAI-compatible HTTP server. It listens at once; models load in the background (see /health).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--models-dir", paramLabel = "DIR", description = "Models directory (default: $OMINIX_HOME/models).")
    Path modelsDir;

    @Option(names = "--asr-model", paramLabel = "DIR|ID", description = "Default speech-to-text model, loaded at start: a directory, a model id, or a hub repo id (owner/name, pulled when missing). Any other model is loaded when a request names it.")
    String asrModel;

    @Option(names = "--chat-model", paramLabel = "DIR|ID", description = "Default chat model, loaded at start: a directory, a model id, or a hub repo id (owner/name, pulled when missing).")
    String chatModel;

    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "Memory the loaded models may take together, e.g. 12g (default: 80% of physical memory). Loading past it unloads the least recently used idle model.")
    String maxMemory;

    @Option(names = "--max-loaded-models", paramLabel = "N", defaultValue = "0",
            description = "Models loaded at once (default: 0, no limit but --max-memory).")
    int maxLoadedModels;

    @Option(names = "--keep-alive", paramLabel = "DURATION", defaultValue = "30m",
            description = "How long an idle model stays loaded: 30m, 1h, 90s; 0 unloads after each request, -1 never (default: ${DEFAULT-VALUE}). A request's keep_alive field overrides it for its model.")
    String keepAlive;

    @Option(names = "--load-wait", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long a request waits for its model to load before a 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    String loadWait;

    @Option(names = "--prompt-cache-mb", paramLabel = "N", defaultValue = "1024",
            description = "Each chat model's prompt cache in MiB: states at earlier prompts' boundaries, so the next turn of a "
                    + "conversation (or a shared system prompt) prefills only its new tokens; 0 turns it off (default: ${DEFAULT-VALUE}).")
    long promptCacheMb;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "" + SalaChatEngine.Options.DEFAULT_PARALLEL,
            description = "Chat requests answered at once: their decode steps run as one batched forward call (the weights "
                    + "read once per step for all), each answer identical to the one it gets alone; more requests wait "
                    + "in the queue. 1 to 16 (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--prefill-chunk", paramLabel = "TOKENS", defaultValue = "" + SalaChatEngine.Options.DEFAULT_PREFILL_CHUNK,
            description = "Prompt tokens a newcomer prefills between two decode steps of the requests already answering, so "
                    + "their streams never stall for a whole long prompt; a multiple of 64 (default: ${DEFAULT-VALUE}).")
    int prefillChunk;

    @Option(names = "--backend", defaultValue = "auto", description = "Compute backend: auto, cpu or mlx (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--max-upload-mb", defaultValue = "1024", paramLabel = "N", description = "Largest audio upload in MiB (default: ${DEFAULT-VALUE}).")
    long maxUploadMb;

    @Option(names = "--allow-file-path", paramLabel = "DIR",
            description = "Directory that JSON transcription requests may read with file_path (repeatable; default: your home directory while listening on loopback only, else none).")
    List<Path> allowFilePaths = new ArrayList<>();

    @Option(names = "--temperature", paramLabel = "X", description = "Default chat sampling temperature (default: 0.7).")
    Double temperature;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Default maximum tokens of a chat answer (default: 2048).")
    Integer maxTokens;

    @Option(names = "--no-think", description = "Suppress the chat model's <think> block by default.")
    boolean noThink;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on every /v1 call (default: $OMINIX_API_KEY; /health stays open).")
    String apiKey;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Allow browser calls from this origin (repeatable; '*' for any). CORS is off by default.")
    List<String> corsOrigins = new ArrayList<>();

    private ServerOptions.Registry registry() {
        try {
            KeepAlive wait = KeepAlive.parse(loadWait, "--load-wait");
            if (wait.idle() == null) throw new CliException("--load-wait must be a duration of 0 or more");
            return new ServerOptions.Registry(maxMemory == null ? 0 : Bytes.parse(maxMemory), maxLoadedModels,
                    KeepAlive.parse(keepAlive, "--keep-alive"), wait.idle());
        } catch (IllegalArgumentException e) {
            throw new CliException("--max-memory: " + e.getMessage());
        } catch (ApiException e) {
            throw new CliException(e.getMessage().replace("'", ""));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (promptCacheMb < 0) throw new CliException("--prompt-cache-mb must be 0 (off) or more");
        if (parallel < 1 || parallel > SalaChatEngine.Options.MAX_PARALLEL) {
            throw new CliException("--parallel must be between 1 and " + SalaChatEngine.Options.MAX_PARALLEL);
        }
        if (prefillChunk < 64 || prefillChunk % 64 != 0) throw new CliException("--prefill-chunk must be a positive multiple of 64");
        OminixEnv env = OminixEnv.system();
        ServerOptions base = ServerOptions.defaults(env);
        ChatParams.Defaults d = ChatParams.Defaults.standard();
        ServerOptions opt = new ServerOptions(host, port, modelsDir != null ? modelsDir.toAbsolutePath() : base.modelsDir(),
                asrModel, chatModel, backend, maxUploadMb,
                allowFilePaths.isEmpty() ? null : allowFilePaths.stream().map(Path::toAbsolutePath).toList(),
                new ChatParams.Defaults(temperature != null ? temperature : d.temperature(), d.topP(),
                        maxTokens != null ? maxTokens : d.maxTokens(), noThink),
                base.queueCapacity(), apiKey != null ? apiKey : base.apiKey(), corsOrigins, registry());
        if (!opt.loopbackOnly() && opt.apiKey() == null) {
            System.err.println("ominix: warning: listening on " + host + " without --api-key; anyone who can reach it can use it");
        }
        OminixServer server = OminixServer.start(opt, env, StandardParts.create(promptCacheMb, parallel, prefillChunk), new ProgressBar(System.err)::show);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("ominix: stopping (finishing requests in flight)");
            server.close();
            System.err.println("ominix: stopped");
            stopped.countDown();
        }, "ominix-shutdown"));
        System.err.println("ominix: listening on http://" + host + ":" + server.port() + " (Ctrl-C to stop)");
        stopped.await();
        return 0;
    }
}
