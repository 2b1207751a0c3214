package ai.ominix.server.engine;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ModelLoadException;
import ai.ominix.kernel.Backend;
import ai.ominix.server.http.ApiException;
import ai.ominix.server.hub.Downloads;
import ai.ominix.server.store.ModelDirs;
import ai.ominix.server.store.ModelStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every model the server runs, loaded on demand: a request names a model (or an alias of its
 * endpoint's default), holds a {@link Lease} on it while it runs, and the model is loaded first
 * if it is not (the request waits, bounded). Each loaded model has its own inference worker.
 * Loading past the memory budget or the loaded-model limit unloads the least recently used idle
 * models; a model in use is never unloaded. Idle models unload when their keep-alive runs out.
 *
 * <p>All state changes happen under this object's lock; loading, and closing what was unloaded,
 * happen outside it, on a loader thread.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class.getName());
    /** How often idle models are checked for expiry. */
    private static final long REAP_MILLIS = Long.getLong("ominix.registry.reap.ms", 1_000);

    /** Opens the compute backend ({@code auto|cpu|mlx}). */
    @FunctionalInterface
    public interface BackendProvider {
        Backend open(String kind);
    }

    /** Where a configured model (directory, id or hub repo) lives; may download it first. */
    public record Resolved(Path dir, String id, String repoId) {}

    /**
     * @param queueCapacity   requests that may wait per model before 429
     * @param memoryBudget    bytes the loaded models may plan to take together
     * @param maxLoadedModels models loaded at once (0: no limit but the budget)
     * @param keepAlive       default idle time before a model unloads
     * @param loadWait        how long a request waits for its model to load before a 503
     */
    public record Limits(int queueCapacity, long memoryBudget, int maxLoadedModels, KeepAlive keepAlive, Duration loadWait) {
        public Limits {
            if (memoryBudget <= 0) throw new IllegalArgumentException("--max-memory must be positive");
            if (maxLoadedModels < 0) throw new IllegalArgumentException("--max-loaded-models must be 0 (no limit) or more");
        }
    }

    /** What the metrics see happen. */
    public interface Events {
        void loaded(ModelTarget model, double seconds);

        /** @param reason idle, evicted, explicit, deleted, shutdown */
        void unloaded(ModelTarget model, String reason);

        void loadFailed(ModelTarget model);
    }

    /** A request's hold on a loaded model; closing it lets the model be unloaded again. */
    public static final class Lease<E> implements AutoCloseable {
        private final ModelRegistry registry;
        private final ModelEntry entry;
        private final E engine;
        private final InferenceWorker worker;
        private boolean closed;

        private Lease(ModelRegistry registry, ModelEntry entry, E engine, InferenceWorker worker) {
            this.registry = registry;
            this.entry = entry;
            this.engine = engine;
            this.worker = worker;
        }

        public String id() {
            return entry.target.id();
        }

        public ModelTarget target() {
            return entry.target;
        }

        public E engine() {
            return engine;
        }

        public InferenceWorker worker() {
            return worker;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            registry.release(entry);
        }
    }

    /** An unloaded engine and its worker, to be closed outside the lock. */
    private record Detached(ModelTarget target, AutoCloseable engine, InferenceWorker worker, String reason) {}

    private final EngineLoaders loaders;
    private final BackendProvider backends;
    private final String backendKind;
    private final Limits limits;
    private final ModelNames names;
    private final Map<String, ModelEntry> entries = new LinkedHashMap<>();
    private final Map<ModelKind, ConfiguredModel> configured = new EnumMap<>(ModelKind.class);
    /** Directories being deleted: no load may start there. */
    private final Set<String> deleting = new HashSet<>();
    private final ExecutorService loaderThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("model-loader-", 0).daemon(true).factory());
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("model-reaper").daemon(true).factory());
    private volatile Events events = new Events() {
        public void loaded(ModelTarget m, double s) { }
        public void unloaded(ModelTarget m, String r) { }
        public void loadFailed(ModelTarget m) { }
    };
    private volatile Backend backend;
    private volatile Thread startup;
    private boolean closed;

    public ModelRegistry(EngineLoaders loaders, BackendProvider backends, String backendKind, Limits limits,
                         ModelStore store, Downloads downloads) {
        this.loaders = loaders;
        this.backends = backends;
        this.backendKind = backendKind;
        this.limits = limits;
        this.names = new ModelNames(store, downloads);
        reaper.scheduleWithFixedDelay(this::reap, REAP_MILLIS, REAP_MILLIS, TimeUnit.MILLISECONDS);
    }

    public void events(Events listener) {
        events = listener;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Opens the compute backend; the server calls it before it listens, so that a backend this
     * machine cannot run ({@code --backend mlx} without mlx-c) stops the start with the reason.
     * {@code auto} falls back to the CPU backend and logs why.
     *
     * @throws ai.ominix.kernel.KernelException when the requested backend cannot be opened
     */
    public Backend openBackend() {
        Backend b = backends.open(backendKind);
        backend = b;
        LOG.info("backend: " + b.name() + " (requested: " + backendKind + ")");
        return b;
    }

    public Backend backend() {
        return backend;
    }

    public String backendRequested() {
        return backendKind;
    }

    /**
     * Resolves the models {@code serve} was given (pulling a hub repo that is not present) on a
     * background thread and loads them; they become the defaults of their kinds.
     *
     * @param specs    per kind: a directory, a model id or a hub repo id
     * @param resolver finds (or pulls) a configured model
     */
    public void startDefaults(Map<ModelKind, String> specs, BiFunction<String, ModelKind, Resolved> resolver) {
        if (backend == null) throw new IllegalStateException("open the backend before loading models");
        synchronized (this) {
            specs.forEach((kind, spec) -> configured.put(kind, new ConfiguredModel(spec, null, null)));
        }
        // Resolved one after the other (a pull shows one progress bar at a time), loaded side by side.
        startup = Thread.ofPlatform().name("model-startup").daemon(true).start(() -> {
            List<CompletableFuture<Void>> loads = new ArrayList<>();
            specs.forEach((kind, spec) -> {
                try {
                    Resolved r = resolver.apply(spec, kind);
                    ModelTarget t = ModelNames.target(r.dir(), r.id(), r.repoId());
                    if (t.kind() != kind) {
                        throw new ModelLoadException(spec + " holds a " + t.kind().description() + " model, not a "
                                + kind.description() + " model");
                    }
                    synchronized (this) {
                        configured.put(kind, new ConfiguredModel(spec, t, null));
                        loads.add(startOrJoin(entry(t)));
                    }
                } catch (RuntimeException e) {
                    String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                    synchronized (this) {
                        // A resolved model that could not start loading (over the budget) stays the default.
                        if (configured.get(kind).target() == null) configured.put(kind, new ConfiguredModel(spec, null, why));
                    }
                    LOG.log(Level.SEVERE, "cannot load " + kind.description() + " model " + spec + ": " + why, e);
                }
            });
            loads.forEach(CompletableFuture::join);
        });
    }

    /** The load in progress, a new one, or a completed future when it is loaded; under the lock. */
    private CompletableFuture<Void> startOrJoin(ModelEntry e) {
        return switch (e.state) {
            case LOADING -> e.loading;
            case READY -> CompletableFuture.completedFuture(null);
            default -> startLoad(e);
        };
    }

    /** Waits until the configured models are resolved and loaded, or failed (CLI use and tests). */
    public void awaitLoaded() throws InterruptedException {
        Thread t = startup;
        if (t != null) t.join();
    }

    /** True once the configured models were resolved and loaded or failed (the server is ready to serve). */
    public boolean started() {
        Thread t = startup;
        return t == null || !t.isAlive();
    }

    public Lease<AsrEngine> asr(String requested, KeepAlive keepAlive) {
        return acquire(ModelKind.ASR, requested, keepAlive);
    }

    public Lease<ChatEngine> chat(String requested, KeepAlive keepAlive) {
        return acquire(ModelKind.CHAT, requested, keepAlive);
    }

    /**
     * A lease on the model a request names, loading it first when needed.
     *
     * @param keepAlive the request's {@code keep_alive}, which becomes the model's; null keeps it
     */
    <E> Lease<E> acquire(ModelKind kind, String requested, KeepAlive keepAlive) {
        ModelTarget target = names.resolve(kind, requested, configured(kind), known());
        long deadline = System.nanoTime() + limits.loadWait().toNanos();
        ModelEntry e;
        synchronized (this) {
            e = entry(target);
            e.waiters++;
        }
        try {
            CompletableFuture<Void> attempt = null;
            while (true) {
                CompletableFuture<Void> wait;
                synchronized (this) {
                    if (closed) throw ApiException.notReady("shutting_down", "the server is shutting down", 5);
                    switch (e.state) {
                        case READY -> {
                            e.leases++;
                            e.lastUsed = Instant.now();
                            if (keepAlive != null) e.keepAlive = keepAlive;
                            @SuppressWarnings("unchecked") E engine = (E) e.engine;
                            return new Lease<>(this, e, engine, e.worker);
                        }
                        case FAILED -> {
                            if (attempt != null && attempt == e.loading) throw loadFailure(e);
                            wait = startLoad(e);
                        }
                        case UNLOADED -> wait = startLoad(e);
                        default -> wait = e.loading;
                    }
                }
                attempt = wait;
                awaitAttempt(e, wait, deadline);
            }
        } finally {
            synchronized (this) {
                e.waiters--;
            }
        }
    }

    private void awaitAttempt(ModelEntry e, CompletableFuture<Void> attempt, long deadline) {
        try {
            attempt.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException t) {
            throw ApiException.notReady("model_not_loaded", "the " + e.label() + " is still loading; retry shortly", 5);
        } catch (InterruptedException i) {
            Thread.currentThread().interrupt();
            throw ApiException.notReady("cancelled", "request interrupted", null);
        } catch (ExecutionException x) {
            throw new IllegalStateException(x); // load attempts complete normally; failures are in the entry
        }
    }

    private static ApiException loadFailure(ModelEntry e) {
        RuntimeException f = e.failure;
        String why = f.getMessage() != null ? f.getMessage() : f.getClass().getSimpleName();
        return ApiException.internal("model_load_failed", "the " + e.label() + " failed to load: " + why);
    }

    /**
     * Loads a model without a request (POST /v1/models/{id}/load); returns at once.
     *
     * @return true when it was already loaded
     */
    public boolean load(String id, KeepAlive keepAlive) {
        ModelTarget target = names.named(id, known());
        synchronized (this) {
            ModelEntry e = entry(target);
            if (keepAlive != null) e.keepAlive = keepAlive;
            e.lastUsed = Instant.now();
            if (e.state == ModelEntry.State.READY) return true;
            startOrJoin(e);
            return false;
        }
    }

    /**
     * Unloads a model now (POST /v1/models/{id}/unload); a load in progress is let finish first.
     *
     * @return false when it was not loaded
     * @throws ApiException 409 while a request uses it
     */
    public boolean unload(String id) {
        ModelTarget target = names.named(id, known());
        while (true) {
            Detached d;
            CompletableFuture<Void> loading;
            synchronized (this) {
                ModelEntry e = entries.get(target.key());
                if (e == null || e.state == ModelEntry.State.UNLOADED || e.state == ModelEntry.State.FAILED) return false;
                if (e.state == ModelEntry.State.LOADING) {
                    loading = e.loading;
                    d = null;
                } else {
                    refuseUnlessIdle(e, "unloaded");
                    d = detach(e, "explicit");
                    loading = null;
                }
            }
            if (d != null) {
                close(d);
                return true;
            }
            try {
                loading.get(limits.loadWait().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException t) {
                throw ApiException.conflict("model_loading", "the " + target.kind().description() + " model " + target.id()
                        + " is still loading; unload it once it is ready");
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw ApiException.notReady("cancelled", "request interrupted", null);
            } catch (ExecutionException x) {
                throw new IllegalStateException(x);
            }
        }
    }

    /**
     * Runs {@code delete} on a model's directory with the model unloaded first and no load able to
     * start until it is done.
     *
     * @throws ApiException 409 while a request uses it or it is loading
     */
    public void deleting(Path dir, Runnable delete) {
        String key = realKey(dir);
        Detached d = null;
        synchronized (this) {
            ModelEntry e = entries.get(key);
            if (e != null && e.resident()) {
                refuseUnlessIdle(e, "deleted");
                d = detach(e, "deleted");
            }
            deleting.add(key);
        }
        try {
            if (d != null) close(d);
            delete.run();
        } finally {
            synchronized (this) {
                deleting.remove(key);
                entries.remove(key);
            }
        }
    }

    private static void refuseUnlessIdle(ModelEntry e, String what) {
        if (e.state == ModelEntry.State.LOADING) {
            throw ApiException.conflict("model_loading", "the " + e.label() + " is loading; it can be " + what + " once it is ready");
        }
        if (!e.idle()) {
            throw ApiException.conflict("model_busy", "the " + e.label() + " is serving a request; it can be " + what
                    + " once it is idle");
        }
    }

    /**
     * Starts loading {@code e}, first unloading least recently used idle models until it fits.
     * Called under the lock.
     *
     * @throws ApiException 503 when it cannot fit (naming the budget and what holds it), 409 while deleting
     */
    private CompletableFuture<Void> startLoad(ModelEntry e) {
        if (deleting.contains(e.target.key())) {
            throw ApiException.conflict("model_deleting", "the " + e.label() + " is being deleted");
        }
        if (!ModelDirs.looksLikeModel(e.target.dir())) {
            throw ApiException.notFound("model_not_found", "the " + e.label() + " is no longer on disk (" + e.target.dir() + ")");
        }
        long need;
        try {
            need = loaders.plannedBytes(e.target.dir());
        } catch (ModelLoadException x) {
            throw ApiException.badRequest("unsupported_model", "model", x.getMessage());
        }
        List<Detached> evicted = makeRoom(e, need);
        e.state = ModelEntry.State.LOADING;
        e.memoryBytes = need;
        e.failure = null;
        CompletableFuture<Void> done = new CompletableFuture<>();
        e.loading = done;
        Backend b = backend;
        loaderThreads.execute(() -> {
            try {
                evicted.forEach(this::close);
                runLoad(e, b);
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    private List<Detached> makeRoom(ModelEntry e, long need) {
        long budget = limits.memoryBudget();
        if (need > budget) {
            throw new ApiException(503, "server_error", "memory_budget_exceeded", "model", "the " + e.label() + " needs about "
                    + Bytes.human(need) + " (weights and working memory), more than the memory budget of " + Bytes.human(budget)
                    + " (--max-memory)", null);
        }
        List<Detached> out = new ArrayList<>();
        while (true) {
            long used = 0;
            int count = 0;
            ModelEntry lru = null;
            for (ModelEntry o : entries.values()) {
                if (o == e || !o.resident()) continue;
                used += o.memoryBytes;
                count++;
                if (o.idle() && (lru == null || o.lastUsed.isBefore(lru.lastUsed))) lru = o;
            }
            boolean overBudget = used + need > budget;
            boolean overCount = limits.maxLoadedModels() > 0 && count >= limits.maxLoadedModels();
            if (!overBudget && !overCount) return out;
            if (lru == null) {
                // Put back what this attempt unloaded? It is idle and unloaded already; the next request reloads it.
                throw new ApiException(503, "server_error", "memory_budget_exceeded", "model", "cannot load the " + e.label()
                        + " (about " + Bytes.human(need) + "): "
                        + (overBudget ? "the memory budget of " + Bytes.human(budget) + " (--max-memory) is held by "
                                : "the limit of " + limits.maxLoadedModels() + " loaded models (--max-loaded-models) is reached by ")
                        + holders(e) + ", none idle; retry when one is", 5);
            }
            out.add(detach(lru, "evicted"));
        }
    }

    private String holders(ModelEntry except) {
        List<String> out = new ArrayList<>();
        for (ModelEntry o : entries.values()) {
            if (o == except || !o.resident()) continue;
            out.add(o.target.id() + " (" + Bytes.human(o.memoryBytes) + ", "
                    + (o.state == ModelEntry.State.LOADING ? "loading" : o.leases > 0 || o.waiters > 0 ? "in use" : "finishing a request") + ")");
        }
        return String.join(", ", out);
    }

    private void runLoad(ModelEntry e, Backend b) {
        ModelTarget t = e.target;
        long t0 = System.nanoTime();
        try {
            AutoCloseable engine = t.kind() == ModelKind.ASR ? loaders.loadAsr(t.dir(), b) : loaders.loadChat(t.dir(), b);
            int slots = engine instanceof ChatEngine c ? c.parallel() : 1;
            InferenceWorker worker = new InferenceWorker(t.kind().name().toLowerCase() + "-" + t.id(), limits.queueCapacity(), slots);
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    e.engine = engine;
                    e.worker = worker;
                    e.state = ModelEntry.State.READY;
                    e.loadedAt = Instant.now();
                    e.lastUsed = e.loadedAt;
                } else {
                    e.state = ModelEntry.State.UNLOADED;
                }
            }
            if (!keep) {
                close(new Detached(t, engine, worker, "shutdown"));
                return;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            events.loaded(t, seconds);
            LOG.info(() -> String.format("loaded %s from %s in %.1f s (planned %s)", e.label(), t.dir(), seconds,
                    Bytes.human(e.memoryBytes)));
        } catch (Exception | LinkageError x) {
            RuntimeException failure = x instanceof RuntimeException r ? r : new ModelLoadException(x.toString(), x);
            synchronized (this) {
                e.state = ModelEntry.State.FAILED;
                e.failure = failure;
            }
            events.loadFailed(t);
            LOG.log(Level.SEVERE, "cannot load " + e.label() + " from " + t.dir() + ": " + failure.getMessage(), x);
        }
    }

    /** Takes a loaded model out of service; under the lock. The caller closes it outside. */
    private Detached detach(ModelEntry e, String reason) {
        Detached d = new Detached(e.target, e.engine, e.worker, reason);
        e.engine = null;
        e.worker = null;
        e.state = ModelEntry.State.UNLOADED;
        return d;
    }

    private void close(Detached d) {
        if (d.worker() != null) d.worker().close();
        try {
            if (d.engine() != null) d.engine().close();
        } catch (Exception x) {
            LOG.log(Level.WARNING, "closing " + d.target().id(), x);
        }
        events.unloaded(d.target(), d.reason());
        LOG.info(() -> "unloaded " + d.target().kind().description() + " model " + d.target().id() + " (" + d.reason() + ")");
    }

    private void release(ModelEntry e) {
        boolean now;
        synchronized (this) {
            e.leases--;
            e.lastUsed = Instant.now();
            now = e.leases == 0 && e.keepAlive.idle() != null && e.keepAlive.idle().isZero();
        }
        if (now) {
            try {
                reaper.execute(this::reap);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // Shutting down: close() unloads everything.
            }
        }
    }

    /** Unloads idle models whose keep-alive ran out. */
    void reap() {
        List<Detached> expired = new ArrayList<>();
        Instant now = Instant.now();
        synchronized (this) {
            if (closed) return;
            for (ModelEntry e : entries.values()) {
                Instant at = e.expiresAt();
                if (at != null && !at.isAfter(now) && e.idle()) expired.add(detach(e, "idle"));
            }
        }
        expired.forEach(this::close);
    }

    /** Cancels every queued and running inference (shutdown after the grace period). */
    public synchronized void cancelAll(String why) {
        for (ModelEntry e : entries.values()) if (e.worker != null) e.worker.cancelAll(why);
    }

    private ModelEntry entry(ModelTarget target) {
        return entries.computeIfAbsent(target.key(), k -> new ModelEntry(target, limits.keepAlive()));
    }

    private synchronized ConfiguredModel configured(ModelKind kind) {
        return configured.get(kind);
    }

    /** Targets the registry holds (configured or ever requested), for names outside the store. */
    private synchronized List<ModelTarget> known() {
        List<ModelTarget> out = new ArrayList<>();
        for (ConfiguredModel c : configured.values()) if (c.target() != null) out.add(c.target());
        for (ModelEntry e : entries.values()) out.add(e.target);
        return out;
    }

    /** A snapshot of one model's state, for listings. */
    public record View(ModelTarget target, String status, long memoryBytes, Instant expiresAt, int queued, boolean busy,
                       String error, boolean isDefault) {
        public boolean loaded() {
            return "ready".equals(status);
        }
    }

    /** Every model the registry holds an entry for, loaded or not. */
    public synchronized List<View> views() {
        List<View> out = new ArrayList<>();
        for (ModelEntry e : entries.values()) out.add(view(e));
        out.sort(Comparator.comparing(v -> v.target().id()));
        return out;
    }

    /** The state of the model in {@code dir}, or null when the registry has never seen it. */
    public synchronized View view(Path dir) {
        ModelEntry e = entries.get(realKey(dir));
        return e == null ? null : view(e);
    }

    private View view(ModelEntry e) {
        boolean isDefault = configured.values().stream().anyMatch(c -> c.target() != null && c.target().key().equals(e.target.key()));
        return new View(e.target, e.state.name().toLowerCase(), e.resident() ? e.memoryBytes : 0,
                e.expiresAt(), e.worker != null ? e.worker.queued() : 0, e.worker != null && e.worker.busy(),
                e.state == ModelEntry.State.FAILED ? e.failure.getMessage() : null, isDefault);
    }

    /** Configured models still being resolved (pulled) or failed before they had a directory. */
    public synchronized Map<ModelKind, ConfiguredModel> configuredModels() {
        return Map.copyOf(configured);
    }

    public synchronized long memoryUsed() {
        return entries.values().stream().filter(ModelEntry::resident).mapToLong(e -> e.memoryBytes).sum();
    }

    private static String realKey(Path dir) {
        try {
            return dir.toRealPath().toString();
        } catch (java.io.IOException e) {
            return dir.toAbsolutePath().normalize().toString();
        }
    }

    @Override
    public void close() {
        List<Detached> all = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (ModelEntry e : entries.values()) if (e.state == ModelEntry.State.READY) all.add(detach(e, "shutdown"));
        }
        reaper.shutdownNow();
        all.forEach(this::close);
        loaderThreads.shutdown();
        Backend b = backend;
        backend = null;
        if (b != null) {
            try {
                b.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing backend", e);
            }
        }
    }
}
