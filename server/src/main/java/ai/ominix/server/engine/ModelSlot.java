package ai.ominix.server.engine;

import ai.ominix.server.http.ApiException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Set;

/**
 * The server's place for one model role (ASR or chat): what is configured, whether it is still
 * loading, and once loaded its engine and inference worker.
 */
public final class ModelSlot<E extends AutoCloseable> {

    public enum State { NONE, LOADING, READY, FAILED }

    /** A loaded model as requests see it. */
    public record Loaded<E>(String id, String repoId, Path dir, E engine, InferenceWorker worker) {}

    private final ModelKind kind;
    private final Set<String> aliases;
    private volatile State state = State.NONE;
    private volatile String configured;
    private volatile String error;
    private volatile Loaded<E> loaded;
    private volatile Path loadingDir;

    /**
     * @param aliases model names clients use for this role whatever model is loaded (e.g. "qwen3-asr")
     */
    public ModelSlot(ModelKind kind, Set<String> aliases) {
        this.kind = kind;
        this.aliases = aliases;
    }

    public ModelKind kind() {
        return kind;
    }

    public State state() {
        return state;
    }

    public String configured() {
        return configured;
    }

    public Loaded<E> loaded() {
        return loaded;
    }

    synchronized void loading(String spec) {
        configured = spec;
        state = State.LOADING;
    }

    /** The directory being loaded (resolved from the configured name). */
    void loadingFrom(Path dir) {
        loadingDir = dir;
    }

    /** The directory of the model loaded or being loaded, or null. */
    public Path dir() {
        Loaded<E> m = loaded;
        return m != null ? m.dir() : state == State.LOADING ? loadingDir : null;
    }

    synchronized void ready(Loaded<E> model) {
        loaded = model;
        state = State.READY;
    }

    synchronized void failed(String message) {
        error = message;
        state = State.FAILED;
    }

    /**
     * The loaded model for a request that names {@code requested} (null: whatever is loaded).
     *
     * @throws ApiException 404 when none is configured or the name is another model, 503 while loading
     */
    public Loaded<E> require(String requested) {
        Loaded<E> m = loaded;
        switch (state) {
            case NONE -> throw ApiException.notFound("model_not_found",
                    "no " + kind.description() + " model is configured; start the server with --"
                            + (kind == ModelKind.ASR ? "asr" : "chat") + "-model");
            case LOADING -> throw ApiException.notReady("model_not_loaded",
                    "the " + kind.description() + " model " + configured + " is still loading", 5);
            case FAILED -> throw ApiException.notReady("model_load_failed",
                    "the " + kind.description() + " model " + configured + " failed to load: " + error, null);
            case READY -> {
                if (requested == null || requested.isBlank() || aliases.contains(requested)
                        || requested.equals(m.id()) || requested.equals(m.repoId())) {
                    return m;
                }
                throw ApiException.notFound("model_not_found", "model '"
                        + ai.ominix.server.http.Fields.echo(requested) + "' is not loaded; this server runs '"
                        + m.id() + "' for " + kind.description());
            }
        }
        throw new IllegalStateException(state.toString());
    }

    /** This slot's part of the /health body. */
    public ObjectNode describe(ObjectNode out) {
        out.put("state", state.name().toLowerCase());
        if (configured != null) out.put("configured", configured);
        Loaded<E> m = loaded;
        if (m != null) {
            out.put("id", m.id());
            if (m.repoId() != null) out.put("repo_id", m.repoId());
            out.put("path", m.dir().toString());
            out.put("queued", m.worker().queued());
            out.put("busy", m.worker().busy());
        }
        if (state == State.FAILED) out.put("error", error);
        return out;
    }

    synchronized void close() {
        Loaded<E> m = loaded;
        loaded = null;
        if (m != null) {
            m.worker().close();
            try {
                m.engine().close();
            } catch (Exception ignored) {
                // Closing at shutdown: nothing left to tell anyone.
            }
        }
    }
}
