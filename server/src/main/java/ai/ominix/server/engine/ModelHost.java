package ai.ominix.server.engine;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.ChatEngine;
import ai.ominix.kernel.Backend;
import ai.ominix.server.http.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The loaded models of a running server: one ASR slot and one chat slot, each with its own
 * inference worker so that ASR and chat never wait for each other. Models load in the background
 * after the server already listens.
 */
public final class ModelHost implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelHost.class.getName());

    /** Opens the compute backend ({@code auto|cpu|mlx}). */
    @FunctionalInterface
    public interface BackendProvider {
        Backend open(String kind);
    }

    /** Where a configured model (directory, id or hub repo) lives; may download it first. */
    public record Resolved(Path dir, String id, String repoId) {}

    private final EngineLoaders loaders;
    private final BackendProvider backends;
    private final String backendKind;
    private final int queueCapacity;
    private final ModelSlot<AsrEngine> asr = new ModelSlot<>(ModelKind.ASR, Set.of("qwen3-asr", "whisper-1",
            // OpenAI's current transcription models, which the SDKs' examples name.
            "gpt-4o-transcribe", "gpt-4o-mini-transcribe"));
    private final ModelSlot<ChatEngine> chat = new ModelSlot<>(ModelKind.CHAT, Set.of("minicpm-sala", "minicpm-sala-9b"));
    private volatile Backend backend;
    private volatile Thread loader;

    public ModelHost(EngineLoaders loaders, BackendProvider backends, String backendKind, int queueCapacity) {
        this.loaders = loaders;
        this.backends = backends;
        this.backendKind = backendKind;
        this.queueCapacity = queueCapacity;
    }

    public ModelSlot<AsrEngine> asr() {
        return asr;
    }

    public ModelSlot<ChatEngine> chat() {
        return chat;
    }

    /**
     * Opens the compute backend; the server calls it before it listens, so that a backend this
     * machine cannot run ({@code --backend mlx} without mlx-c) stops the start with the reason
     * instead of a server that answers 503 forever. {@code auto} falls back to the CPU backend
     * and logs why.
     *
     * @throws ai.ominix.kernel.KernelException when the requested backend cannot be opened
     */
    public Backend openBackend() {
        Backend b = backends.open(backendKind);
        backend = b;
        LOG.info("backend: " + b.name() + " (requested: " + backendKind + ")");
        return b;
    }

    /**
     * Starts loading the configured models on a background thread and returns at once. The
     * backend must be open ({@link #openBackend}).
     *
     * @param asrSpec  directory, model id or repo id; null for none
     * @param resolver finds (or pulls) a configured model
     */
    public void startLoading(String asrSpec, String chatSpec, BiFunction<String, ModelKind, Resolved> resolver) {
        Backend b = backend;
        if (b == null) throw new IllegalStateException("open the backend before loading models");
        if (asrSpec != null) asr.loading(asrSpec);
        if (chatSpec != null) chat.loading(chatSpec);
        loader = Thread.ofPlatform().name("model-loader").daemon(true).start(() -> {
            if (asrSpec != null) load(asr, asrSpec, resolver, b, loaders::loadAsr);
            if (chatSpec != null) load(chat, chatSpec, resolver, b, loaders::loadChat);
        });
    }

    /** Waits for background loading to finish (CLI use and tests). */
    public void awaitLoaded() throws InterruptedException {
        Thread t = loader;
        if (t != null) t.join();
    }

    private <E extends AutoCloseable> void load(ModelSlot<E> slot, String spec,
                                                BiFunction<String, ModelKind, Resolved> resolver, Backend b,
                                                EngineLoaders.Loader<E> loadFn) {
        try {
            Resolved r = resolver.apply(spec, slot.kind());
            slot.loadingFrom(r.dir());
            long t0 = System.nanoTime();
            E engine = loadFn.load(r.dir(), b);
            slot.ready(new ModelSlot.Loaded<>(r.id(), r.repoId(), r.dir(), engine,
                    new InferenceWorker(slot.kind().name().toLowerCase() + "-" + r.id(), queueCapacity)));
            LOG.info(() -> String.format("loaded %s model %s from %s in %.1f s", slot.kind().description(), r.id(),
                    r.dir(), (System.nanoTime() - t0) / 1e9));
        } catch (Exception | LinkageError e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            slot.failed(why);
            LOG.log(Level.SEVERE, "cannot load " + slot.kind().description() + " model " + spec + ": " + why, e);
        }
    }

    /** Every configured model is loaded. */
    public boolean ready() {
        return ok(asr) && ok(chat);
    }

    private static boolean ok(ModelSlot<?> s) {
        return s.state() == ModelSlot.State.NONE || s.state() == ModelSlot.State.READY;
    }

    /** True when {@code dir} is the directory of a loaded or loading model (not to be deleted). */
    public boolean uses(Path dir) {
        for (ModelSlot<?> s : List.of(asr, chat)) {
            if (same(s.dir(), dir)) return true;
        }
        return false;
    }

    /** True when {@code dir} is the directory of a loaded model. */
    public boolean serves(Path dir) {
        for (ModelSlot<?> s : List.of(asr, chat)) {
            ModelSlot.Loaded<?> m = s.loaded();
            if (m != null && same(m.dir(), dir)) return true;
        }
        return false;
    }

    /** Same directory, through symbolic links too (the resolver hands out real paths). */
    private static boolean same(Path a, Path b) {
        if (a == null || b == null) return false;
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return java.nio.file.Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The /health body. */
    public ObjectNode health() {
        ObjectNode body = Json.object();
        List<String> loading = new ArrayList<>();
        boolean failed = false;
        for (ModelSlot<?> s : List.of(asr, chat)) {
            if (s.state() == ModelSlot.State.LOADING) loading.add(s.kind().name().toLowerCase() + ": " + s.configured());
            failed |= s.state() == ModelSlot.State.FAILED;
        }
        body.put("status", failed ? "failed" : loading.isEmpty() ? "ok" : "loading");
        if (!loading.isEmpty()) loading.forEach(body.putArray("loading")::add);
        Backend b = backend;
        if (b != null) body.put("backend", b.name());
        body.put("backend_requested", backendKind);
        ObjectNode models = body.putObject("models");
        asr.describe(models.putObject("asr"));
        chat.describe(models.putObject("chat"));
        return body;
    }

    /** Cancels every queued and running inference (shutdown after the grace period). */
    public void cancelAll(String why) {
        for (ModelSlot<?> s : List.of(asr, chat)) {
            ModelSlot.Loaded<?> m = s.loaded();
            if (m != null) m.worker().cancelAll(why);
        }
    }

    @Override
    public void close() {
        asr.close();
        chat.close();
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
