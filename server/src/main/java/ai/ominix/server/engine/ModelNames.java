package ai.ominix.server.engine;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.server.http.ApiException;
import ai.ominix.server.http.Fields;
import ai.ominix.server.hub.DownloadJob;
import ai.ominix.server.hub.Downloads;
import ai.ominix.server.store.ModelInfo;
import ai.ominix.server.store.ModelStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a request's {@code model} names: an alias or nothing (the default model of the endpoint's
 * kind), or a model id ({@code Qwen3-ASR-1.7B-8bit}), its hub repo id
 * ({@code mlx-community/Qwen3-ASR-1.7B-8bit}) or a hub-cache id. The store is read on every call,
 * so a model downloaded or copied in a moment ago is found; its kind comes from its config.json.
 */
final class ModelNames {
    /** Names that mean "the default model of this kind", whatever is loaded. */
    static final Map<ModelKind, Set<String>> ALIASES = Map.of(
            ModelKind.ASR, Set.of("qwen3-asr", "whisper-1",
                    // OpenAI's current transcription models, which the SDKs' examples name.
                    "gpt-4o-transcribe", "gpt-4o-mini-transcribe"),
            ModelKind.CHAT, Set.of("minicpm-sala", "minicpm-sala-9b"));

    private final ModelStore store;
    private final Downloads downloads;

    ModelNames(ModelStore store, Downloads downloads) {
        this.store = store;
        this.downloads = downloads;
    }

    /**
     * The model a request for {@code kind} means.
     *
     * @param configured the configured model of this kind, or null
     * @param known      models the registry holds that may live outside the store (given by path)
     * @throws ApiException 400 (wrong kind, unsupported, or no single default), 404 (unknown),
     *                      503 (still downloading or being prepared)
     */
    ModelTarget resolve(ModelKind kind, String requested, ConfiguredModel configured, Collection<ModelTarget> known) {
        if (requested == null || requested.isBlank() || ALIASES.get(kind).contains(requested)) {
            return byDefault(kind, configured, known);
        }
        ModelTarget t = named(requested, known);
        if (t.kind() != kind) {
            throw ApiException.badRequest("wrong_model_kind", "model", "model '" + t.id() + "' is a " + t.kind().description()
                    + " model; " + endpoint(t.kind()) + " serves it, not the " + kind.description() + " endpoint");
        }
        return t;
    }

    /** A model by id of any kind (the explicit load and unload endpoints). */
    ModelTarget named(String requested, Collection<ModelTarget> known) {
        for (ModelTarget t : known) {
            if (requested.equals(t.id()) || requested.equals(t.repoId())) return t;
        }
        Optional<ModelInfo> found = store.find(requested);
        if (found.isEmpty() && requested.contains("/")) found = store.find(Downloads.idOf(requested));
        if (found.isPresent()) return target(found.get());
        Optional<DownloadJob> job = downloads.get(requested.contains("/") ? Downloads.idOf(requested) : requested)
                .filter(j -> j.status() == DownloadJob.Status.DOWNLOADING);
        if (job.isPresent()) {
            DownloadJob j = job.get();
            throw ApiException.notReady("model_downloading", "model '" + Fields.echo(requested) + "' is still downloading ("
                    + (j.bytesTotal() > 0 ? 100 * j.bytesDone() / j.bytesTotal() + " %" : "starting")
                    + "); follow it at GET /v1/models/download/" + j.id(), 5);
        }
        throw ApiException.notFound("model_not_found", "model '" + Fields.echo(requested) + "' not found; "
                + available(null, known));
    }

    private ModelTarget byDefault(ModelKind kind, ConfiguredModel configured, Collection<ModelTarget> known) {
        if (configured != null) {
            if (configured.target() != null) return configured.target();
            if (configured.error() != null) {
                throw ApiException.internal("model_load_failed", "the configured " + kind.description() + " model "
                        + configured.spec() + " could not be prepared: " + configured.error());
            }
            throw ApiException.notReady("model_not_loaded", "the configured " + kind.description() + " model "
                    + configured.spec() + " is still being prepared (resolved or pulled)", 5);
        }
        List<ModelTarget> candidates = ofKind(kind, known);
        if (candidates.size() == 1) return candidates.getFirst();
        String how = "; name one in 'model' or start the server with --" + (kind == ModelKind.ASR ? "asr" : "chat") + "-model";
        if (candidates.isEmpty()) {
            throw ApiException.badRequest("model_not_found", "model", "no " + kind.description() + " model is available"
                    + " (models dir " + store.modelsDir() + " or the Hugging Face cache); download one with POST /v1/models/download"
                    + how);
        }
        throw ApiException.badRequest("model_required", "model", "several " + kind.description() + " models are available ("
                + String.join(", ", candidates.stream().map(ModelTarget::id).toList()) + ")" + how);
    }

    /** Every runnable model of a kind: the store, then those only the registry knows. */
    List<ModelTarget> ofKind(ModelKind kind, Collection<ModelTarget> known) {
        Map<String, ModelTarget> out = new LinkedHashMap<>();
        for (ModelInfo m : store.list()) {
            try {
                ModelTarget t = target(m);
                if (t.kind() == kind) out.putIfAbsent(t.key(), t);
            } catch (ApiException e) {
                // An unsupported or unreadable model is listed by /v1/models but is no candidate.
            }
        }
        for (ModelTarget t : known) if (t.kind() == kind) out.putIfAbsent(t.key(), t);
        return new ArrayList<>(out.values());
    }

    private String available(ModelKind kind, Collection<ModelTarget> known) {
        List<String> ids = new ArrayList<>();
        for (ModelKind k : ModelKind.values()) {
            if (kind != null && k != kind) continue;
            for (ModelTarget t : ofKind(k, known)) ids.add(t.id() + " (" + k.description() + ")");
        }
        return ids.isEmpty() ? "no model is available; download one with POST /v1/models/download"
                : "available: " + String.join(", ", ids);
    }

    private static ModelTarget target(ModelInfo m) {
        return target(m.path(), m.id(), m.repoId());
    }

    /** A directory as a target: its real path and its kind from config.json (400 when it is none we run). */
    static ModelTarget target(Path dir, String id, String repoId) {
        ModelKind kind;
        try {
            kind = EngineLoaders.kindOf(dir);
        } catch (ModelLoadException e) {
            throw ApiException.badRequest("unsupported_model", "model", "model '" + id + "' cannot be served: " + e.getMessage());
        }
        try {
            return new ModelTarget(dir.toRealPath(), id, repoId, kind);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model directory " + dir, e);
        }
    }

    static String endpoint(ModelKind kind) {
        return kind == ModelKind.ASR ? "POST /v1/audio/transcriptions" : "POST /v1/chat/completions";
    }
}
