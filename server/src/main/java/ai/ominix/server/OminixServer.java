package ai.ominix.server;

import ai.ominix.server.engine.AudioDecoder;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.engine.ModelKind;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.http.ApiException;
import ai.ominix.server.http.ChatRoutes;
import ai.ominix.server.http.MessagesRoutes;
import ai.ominix.server.http.ResponsesRoutes;
import ai.ominix.server.http.DisconnectWatcher;
import ai.ominix.server.http.ErrorResponses;
import ai.ominix.server.http.FilePathPolicy;
import ai.ominix.server.http.ModelRoutes;
import ai.ominix.server.http.Requests;
import ai.ominix.server.http.TranscriptionRoutes;
import ai.ominix.server.http.Uploads;
import ai.ominix.server.hub.DownloadJob;
import ai.ominix.server.hub.Downloads;
import ai.ominix.server.hub.HubClient;
import ai.ominix.server.observe.AccessLog;
import ai.ominix.server.observe.ApiKeyFilter;
import ai.ominix.server.observe.CorsFilter;
import ai.ominix.server.observe.Draining;
import ai.ominix.server.observe.ServerMetrics;
import ai.ominix.server.store.ModelMetadata;
import ai.ominix.server.store.ModelStore;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A running ominix server: the HTTP listener (Helidon SE, one virtual thread per request), the
 * model registry with its inference workers, the model store and the downloads. Listening starts
 * before any model loads.
 */
public final class OminixServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OminixServer.class.getName());

    /** The pluggable pieces: engines, compute backend, audio decoding. */
    public record Parts(EngineLoaders loaders, ModelRegistry.BackendProvider backends, AudioDecoder audio) {}

    /** How long shutdown lets requests in flight finish before cancelling them. */
    private static final long GRACE_MILLIS = Long.getLong("ominix.shutdown.grace.ms", 10_000);

    private final WebServer web;
    private final ModelRegistry registry;
    private final ModelStore store;
    private final Downloads downloads;
    private final Uploads uploads;
    private final Draining draining;
    private final ServerMetrics metrics;
    private final DisconnectWatcher disconnects;
    private boolean closed;

    private OminixServer(WebServer web, ModelRegistry registry, ModelStore store, Downloads downloads, Uploads uploads,
                         Draining draining, ServerMetrics metrics, DisconnectWatcher disconnects) {
        this.web = web;
        this.registry = registry;
        this.store = store;
        this.downloads = downloads;
        this.uploads = uploads;
        this.draining = draining;
        this.metrics = metrics;
        this.disconnects = disconnects;
    }

    /**
     * Opens the backend, starts listening, then loads the configured models in the background.
     *
     * @param pullProgress shown while a configured hub model is pulled, may be null
     * @throws ai.ominix.kernel.KernelException when the requested backend cannot be opened
     */
    public static OminixServer start(ServerOptions opt, OminixEnv env, Parts parts, Consumer<DownloadJob> pullProgress) {
        try {
            Files.createDirectories(opt.modelsDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the models directory " + opt.modelsDir(), e);
        }
        ModelStore store = new ModelStore(opt.modelsDir(), env.hubCache(), new ModelMetadata(env.configFile()));
        Downloads downloads = new Downloads(new HubClient(env.hubEndpoint(), env.hubToken()), store);
        ModelRegistry registry = new ModelRegistry(parts.loaders(), parts.backends(), opt.backend(), opt.limits(), store, downloads);
        try {
            registry.openBackend(); // before listening: an unusable --backend stops the start here
        } catch (RuntimeException e) {
            registry.close();
            downloads.close();
            throw e;
        }
        OminixServer server;
        try {
            server = listen(opt, env, parts, registry, store, downloads);
        } catch (RuntimeException e) {
            downloads.close();
            registry.close();
            throw e;
        }
        LOG.info("listening on http://" + opt.host() + ":" + server.port() + " (models: " + opt.modelsDir() + ")");
        ModelResolver resolver = new ModelResolver(store, downloads, pullProgress);
        Map<ModelKind, String> defaults = new LinkedHashMap<>();
        if (opt.asrModel() != null) defaults.put(ModelKind.ASR, opt.asrModel());
        if (opt.chatModel() != null) defaults.put(ModelKind.CHAT, opt.chatModel());
        registry.startDefaults(defaults, resolver::resolve);
        downloads.resumePending();
        return server;
    }

    private static OminixServer listen(ServerOptions opt, OminixEnv env, Parts parts, ModelRegistry registry, ModelStore store,
                                       Downloads downloads) {
        long uploadLimit = opt.maxUploadMb() << 20;
        Uploads uploads = new Uploads(env.ominixHome().resolve("tmp"), uploadLimit);
        FilePathPolicy filePaths = new FilePathPolicy(opt.effectiveFilePathDirs(env.userHome()));

        ServerMetrics metrics = new ServerMetrics(registry, downloads);
        registry.events(metrics);
        Draining draining = new Draining();
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new AccessLog(metrics));
        routing.addFilter(draining);
        if (!opt.corsOrigins().isEmpty()) routing.addFilter(new CorsFilter(opt.corsOrigins()));
        if (opt.apiKey() != null && !opt.apiKey().isBlank()) routing.addFilter(new ApiKeyFilter(opt.apiKey()));
        // Always the Prometheus text format, whatever Accept says: scrapers send all sorts of lists.
        routing.get("/metrics", (req, res) -> Requests.sendText(res, "text/plain; version=0.0.4; charset=utf-8", metrics.render()));
        new ModelRoutes(registry, store, downloads).register(routing);
        DisconnectWatcher disconnects = DisconnectWatcher.create();
        new TranscriptionRoutes(registry, parts.audio(), uploads, filePaths, disconnects).register(routing);
        new ChatRoutes(registry, opt.chatDefaults(), disconnects).register(routing);
        new MessagesRoutes(registry, opt.chatDefaults(), disconnects).register(routing);
        new ResponsesRoutes(registry, opt.chatDefaults(), disconnects).register(routing);
        routing.any((req, res) -> {
            throw ApiException.notFound("not_found", "unknown endpoint " + req.prologue().method().text() + " "
                    + ai.ominix.server.http.Fields.echo(req.path().path()));
        });
        routing.error(Throwable.class, ErrorResponses::send);

        WebServer web = WebServer.builder()
                .host(opt.host())
                .port(opt.port())
                // Multipart framing and text fields on top of the file; the file itself is counted exactly.
                .maxPayloadSize(uploadLimit + (1 << 20))
                .directHandlers(ErrorResponses.directHandlers())
                .shutdownHook(false)
                .routing(routing)
                .build()
                .start();
        if (!web.isRunning() || web.port() < 0) {
            // Helidon logs the bind failure and returns a server that is not listening.
            web.stop();
            disconnects.close();
            throw new IllegalStateException("cannot listen on " + opt.host() + ":" + opt.port()
                    + " (is the port in use or the address not this machine's? --port 0 picks a free port)");
        }
        return new OminixServer(web, registry, store, downloads, uploads, draining, metrics, disconnects);
    }

    public int port() {
        return web.port();
    }

    public ModelRegistry registry() {
        return registry;
    }

    public ModelStore store() {
        return store;
    }

    public Downloads downloads() {
        return downloads;
    }

    public Uploads uploads() {
        return uploads;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * Graceful stop (SIGTERM): new requests get 503, those in flight may finish within the grace
     * period, the rest are cancelled; running downloads are stopped and recorded so that the next
     * start resumes them.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (!draining.drain(GRACE_MILLIS)) {
                LOG.warning("grace period over with " + draining.inFlight() + " request(s) in flight; cancelling them");
                registry.cancelAll("server shutting down");
                draining.drain(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            registry.cancelAll("server shutting down");
        }
        web.stop();
        disconnects.close();
        downloads.stopAll(true);
        registry.close();
        LOG.info("stopped");
    }
}
