package ai.ominix.server.http;

import ai.ominix.server.engine.KeepAlive;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.hub.DownloadJob;
import ai.ominix.server.hub.Downloads;
import ai.ominix.server.store.ModelDirs;
import ai.ominix.server.store.ModelInfo;
import ai.ominix.server.store.ModelStore;
import ai.ominix.weights.QuantizationConfig;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Model management: list, download (with progress and cancel), load, unload, delete; and {@code /health}. */
public final class ModelRoutes {
    private final ModelRegistry registry;
    private final ModelStore store;
    private final Downloads downloads;

    public ModelRoutes(ModelRegistry registry, ModelStore store, Downloads downloads) {
        this.registry = registry;
        this.store = store;
        this.downloads = downloads;
    }

    public void register(HttpRouting.Builder routing) {
        Produces json = Produces.of(Produces.JSON);
        routing.get("/health", json.guard(this::health))
                .get("/v1/models", json.guard(this::list))
                .post("/v1/models/download", json.guard(this::download))
                .get("/v1/models/download/{id}", json.guard(this::downloadStatus))
                .delete("/v1/models/download/{id}", json.guard(this::cancelDownload))
                .get("/v1/models/{id}", json.guard(this::get))
                .get("/v1/models/{owner}/{name}", json.guard(this::get))
                .post("/v1/models/{id}/load", json.guard(this::load))
                .post("/v1/models/{owner}/{name}/load", json.guard(this::load))
                .post("/v1/models/{id}/unload", json.guard(this::unload))
                .post("/v1/models/{owner}/{name}/unload", json.guard(this::unload))
                .delete("/v1/models/{id}", json.guard(this::delete));
    }

    /** 503 only while the models {@code serve} was given are still being prepared (readiness at start). */
    private void health(ServerRequest req, ServerResponse res) {
        boolean started = registry.started();
        if (!started) res.header(HeaderNames.RETRY_AFTER, "5");
        Requests.sendJson(res, started ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, RegistryJson.health(registry));
    }

    /** A model id from the path: one segment, or a hub-cache id {@code owner/name} as two. */
    private static String pathId(ServerRequest req) {
        var params = req.path().pathParameters();
        return params.contains("owner") ? params.get("owner") + "/" + params.get("name") : params.get("id");
    }

    /** An optional JSON body with {@code keep_alive}; an empty body is fine. */
    private static KeepAlive keepAliveOf(ServerRequest req) {
        if (!req.content().hasEntity()) return null;
        byte[] bytes = req.content().as(byte[].class);
        if (bytes.length == 0) return null;
        Requests.requireJson(req);
        return KeepAlive.ofField(Json.parseObject(new java.io.ByteArrayInputStream(bytes)).get("keep_alive"));
    }

    private void load(ServerRequest req, ServerResponse res) {
        String id = pathId(req);
        boolean ready = registry.load(id, keepAliveOf(req));
        ObjectNode out = Json.object().put("id", id).put("object", "model").put("status", ready ? "ready" : "loading");
        Requests.sendJson(res, ready ? Status.OK_200 : Status.ACCEPTED_202, out);
    }

    private void unload(ServerRequest req, ServerResponse res) {
        String id = pathId(req);
        boolean was = registry.unload(id);
        Requests.sendJson(res, Json.object().put("id", id).put("object", "model").put("status", "unloaded").put("unloaded", was));
    }

    private void list(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        all().forEach(data::add);
        Requests.sendJson(res, body);
    }

    /**
     * Every model the list shows: the store (models dir, then hub cache), loaded models that live
     * elsewhere (a directory given to --asr-model), and downloads not finished yet.
     */
    private List<ObjectNode> all() {
        List<ObjectNode> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ModelInfo m : store.list()) {
            seen.add(m.id());
            out.add(describe(m));
        }
        for (ModelRegistry.View v : registry.views()) {
            // A model given to serve by path, outside the models dir and the hub cache.
            if (seen.add(v.target().id())) out.add(outsideStore(v));
        }
        for (DownloadJob j : downloads.visible()) {
            if (!seen.add(j.id())) continue;
            ObjectNode o = j.toJson();
            o.put("object", "model");
            o.put("created", o.path("started_at").asLong());
            o.put("owned_by", ModelInfo.ownerOf(j.repoId()));
            o.put("path", j.target().toString());
            o.put("loaded", false);
            out.add(o);
        }
        return out;
    }

    /** One model of the list, by id or repo id; hub cache ids ({@code owner/name}) arrive as two path segments. */
    private void get(ServerRequest req, ServerResponse res) {
        String id = pathId(req);
        ObjectNode m = all().stream()
                .filter(o -> o.path("id").asText().equals(id) || o.path("repo_id").asText().equals(id))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("model_not_found", "model '" + Fields.echo(id) + "' not found"));
        Requests.sendJson(res, m);
    }

    private ObjectNode describe(ModelInfo m) {
        ObjectNode o = Json.object();
        o.put("id", m.id());
        o.put("object", "model");
        o.put("created", m.downloadedAt() != null ? m.downloadedAt() : mtime(m.path()));
        o.put("owned_by", m.ownedBy());
        o.put("path", m.path().toString());
        if (m.repoId() != null) o.put("repo_id", m.repoId());
        quantization(o, m.quantization());
        o.put("size_bytes", m.sizeBytes());
        if (m.downloadedAt() != null) o.put("downloaded_at", m.downloadedAt());
        o.put("source", m.source());
        RegistryJson.state(o, registry.view(m.path()));
        if (downloads.downloading(m.id())) o.put("status", "downloading");
        return o;
    }

    private ObjectNode outsideStore(ModelRegistry.View v) {
        Path dir = v.target().dir();
        ObjectNode o = Json.object();
        o.put("id", v.target().id()).put("object", "model").put("created", mtime(dir))
                .put("owned_by", ModelInfo.ownerOf(v.target().repoId()));
        o.put("path", dir.toString());
        if (v.target().repoId() != null) o.put("repo_id", v.target().repoId());
        quantization(o, ModelDirs.quantization(dir));
        o.put("size_bytes", ModelDirs.weightBytes(dir));
        o.put("source", "path");
        RegistryJson.state(o, v);
        return o;
    }

    private static void quantization(ObjectNode o, QuantizationConfig q) {
        if (q != null) o.putObject("quantization").put("bits", q.bits()).put("group_size", q.groupSize());
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() / 1000;
        } catch (IOException e) {
            return 0;
        }
    }

    private void download(ServerRequest req, ServerResponse res) {
        Requests.requireJson(req);
        ObjectNode body = Json.parseObject(req.content().inputStream());
        String repoId = Fields.optString(body, "repo_id", 256);
        if (repoId == null) throw ApiException.badRequest("missing_parameter", "repo_id", "'repo_id' is required");
        String revision = Fields.optString(body, "revision", 256);
        DownloadJob job = downloads.start(repoId, revision);
        ObjectNode out = Json.object();
        out.put("status", "downloading").put("id", job.id()).put("repo_id", job.repoId());
        Requests.sendJson(res, Status.ACCEPTED_202, out);
    }

    private void downloadStatus(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        DownloadJob job = downloads.get(id).orElseThrow(() -> ApiException.notFound("download_not_found",
                "no download of '" + Fields.echo(id) + "' is known"));
        Requests.sendJson(res, job.toJson());
    }

    private void cancelDownload(ServerRequest req, ServerResponse res) {
        DownloadJob job = downloads.cancel(req.path().pathParameters().get("id"));
        Requests.sendJson(res, Json.object().put("id", job.id()).put("cancelled", true));
    }

    /** Deletes a model of the models dir, unloading it first when it is loaded and idle. */
    private void delete(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Path dir = store.pathFor(id);
        if (downloads.downloading(id)) {
            throw ApiException.conflict("download_in_progress", "model '" + id + "' is still downloading; cancel it first");
        }
        registry.deleting(dir, () -> store.delete(id));
        // "object" as OpenAI's ModelDeleted has it (the SDKs require it).
        Requests.sendJson(res, Json.object().put("id", id).put("object", "model").put("deleted", true));
    }
}
