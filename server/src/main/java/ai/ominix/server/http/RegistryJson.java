package ai.ominix.server.http;

import ai.ominix.kernel.Backend;
import ai.ominix.server.engine.ModelKind;
import ai.ominix.server.engine.ModelRegistry;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/** The registry's state as {@code /v1/models} fields and the {@code /health} body. */
final class RegistryJson {
    private RegistryJson() {}

    /**
     * A model's load state: {@code loaded}, {@code status} (unloaded, loading, ready, failed),
     * {@code kind}, and while it is resident {@code memory_bytes} (planned: weights plus working
     * memory) and {@code expires_at} (unix seconds; null while in use or kept forever).
     *
     * @param v null when the registry has never seen the model
     */
    static void state(ObjectNode o, ModelRegistry.View v) {
        o.put("loaded", v != null && v.loaded());
        o.put("status", v == null ? "unloaded" : v.status());
        if (v == null) return;
        o.put("kind", v.target().kind().name().toLowerCase(Locale.ROOT));
        if (v.memoryBytes() > 0) o.put("memory_bytes", v.memoryBytes());
        if (v.loaded()) {
            if (v.expiresAt() == null) o.putNull("expires_at"); else o.put("expires_at", v.expiresAt().getEpochSecond());
        }
        if (v.error() != null) o.put("error", v.error());
        if (v.isDefault()) o.put("default", true);
    }

    /**
     * {@code status}: "starting" while the configured models are prepared, "degraded" when a
     * model failed to load (the next request for it tries again), else "ok".
     */
    static ObjectNode health(ModelRegistry registry) {
        ObjectNode body = Json.object();
        var views = registry.views();
        boolean failed = views.stream().anyMatch(v -> "failed".equals(v.status()));
        ArrayNode loading = Json.MAPPER.createArrayNode();
        views.stream().filter(v -> "loading".equals(v.status())).forEach(v -> loading.add(v.target().id()));
        registry.configuredModels().forEach((kind, c) -> {
            if (c.target() == null && c.error() == null) loading.add(c.spec());
        });
        boolean configFailed = registry.configuredModels().values().stream().anyMatch(c -> c.error() != null);
        body.put("status", !registry.started() ? "starting" : failed || configFailed ? "degraded" : "ok");
        if (!loading.isEmpty()) body.set("loading", loading);
        Backend b = registry.backend();
        if (b != null) body.put("backend", b.name());
        body.put("backend_requested", registry.backendRequested());
        ModelRegistry.Limits limits = registry.limits();
        body.putObject("memory").put("budget_bytes", limits.memoryBudget()).put("planned_bytes", registry.memoryUsed())
                .put("max_loaded_models", limits.maxLoadedModels()).put("keep_alive", limits.keepAlive().toString());
        ArrayNode models = body.putArray("models");
        for (ModelRegistry.View v : views) {
            if ("unloaded".equals(v.status())) continue;
            ObjectNode m = models.addObject();
            m.put("id", v.target().id());
            if (v.target().repoId() != null) m.put("repo_id", v.target().repoId());
            m.put("path", v.target().dir().toString());
            state(m, v);
            m.put("queued", v.queued()).put("busy", v.busy());
        }
        ObjectNode defaults = body.putObject("defaults");
        registry.configuredModels().forEach((kind, c) -> {
            ObjectNode d = defaults.putObject(kind == ModelKind.ASR ? "asr" : "chat");
            d.put("configured", c.spec());
            if (c.target() != null) d.put("id", c.target().id());
            if (c.error() != null) d.put("error", c.error());
        });
        return body;
    }
}
