package ai.ominix.server.http;

import ai.ominix.server.engine.ModelHost;
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

/** Model management: list, download (with progress and cancel), delete; and {@code /health}. */
public final class ModelRoutes {
    private final ModelHost host;
    private final ModelStore store;
    private final Downloads downloads;

    public ModelRoutes(ModelHost host, ModelStore store, Downloads downloads) {
        this.host = host;
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
                .delete("/v1/models/{id}", json.guard(this::delete));
    }

    private void health(ServerRequest req, ServerResponse res) {
        boolean ready = host.ready();
        ObjectNode body = host.health();
        if (!ready && body.path("status").asText().equals("loading")) {
            res.header(HeaderNames.RETRY_AFTER, "5");
        }
        Requests.sendJson(res, ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
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
        for (var slot : List.of(host.asr(), host.chat())) {
            var loaded = slot.loaded();
            if (loaded != null && seen.add(loaded.id())) out.add(loadedOutsideStore(loaded.id(), loaded.repoId(), loaded.dir()));
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
        var params = req.path().pathParameters();
        String id = params.contains("owner") ? params.get("owner") + "/" + params.get("name") : params.get("id");
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
        o.put("loaded", host.serves(m.path()));
        if (m.repoId() != null) o.put("repo_id", m.repoId());
        quantization(o, m.quantization());
        o.put("size_bytes", m.sizeBytes());
        if (m.downloadedAt() != null) o.put("downloaded_at", m.downloadedAt());
        o.put("source", m.source());
        if (downloads.downloading(m.id())) o.put("status", "downloading");
        return o;
    }

    private ObjectNode loadedOutsideStore(String id, String repoId, Path dir) {
        ObjectNode o = Json.object();
        o.put("id", id).put("object", "model").put("created", mtime(dir))
                .put("owned_by", ModelInfo.ownerOf(repoId));
        o.put("path", dir.toString()).put("loaded", true);
        if (repoId != null) o.put("repo_id", repoId);
        quantization(o, ModelDirs.quantization(dir));
        o.put("size_bytes", ModelDirs.weightBytes(dir));
        o.put("source", "path");
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

    private void delete(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Path dir = store.pathFor(id);
        if (host.uses(dir)) {
            throw ApiException.conflict("model_loaded", "model '" + id + "' is loaded by this server; stop it first");
        }
        if (downloads.downloading(id)) {
            throw ApiException.conflict("download_in_progress", "model '" + id + "' is still downloading; cancel it first");
        }
        store.delete(id);
        // "object" as OpenAI's ModelDeleted has it (the SDKs require it).
        Requests.sendJson(res, Json.object().put("id", id).put("object", "model").put("deleted", true));
    }
}
