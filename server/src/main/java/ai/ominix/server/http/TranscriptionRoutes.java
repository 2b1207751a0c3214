package ai.ominix.server.http;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.Cancellation;
import ai.ominix.server.engine.AudioDecoder;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.observe.RequestStats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.media.multipart.MultiPart;
import io.helidon.http.media.multipart.ReadablePart;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code POST /v1/audio/transcriptions}: multipart with a {@code file} part, or JSON with a
 * server-side {@code file_path}. Decoding and recognition both run on the ASR worker.
 */
public final class TranscriptionRoutes {
    /** Longest text field accepted in a multipart form. */
    private static final int MAX_FIELD_BYTES = 64 * 1024;
    /** Most text parts accepted in one form (they are held in memory). */
    private static final int MAX_FIELDS = 64;

    private final ModelRegistry registry;
    private final AudioDecoder decoder;
    private final Uploads uploads;
    private final FilePathPolicy filePaths;
    private final DisconnectWatcher disconnects;

    public TranscriptionRoutes(ModelRegistry registry, AudioDecoder decoder, Uploads uploads, FilePathPolicy filePaths,
                               DisconnectWatcher disconnects) {
        this.registry = registry;
        this.decoder = decoder;
        this.uploads = uploads;
        this.filePaths = filePaths;
        this.disconnects = disconnects;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/v1/audio/transcriptions", Produces.of(Produces.JSON, "text/plain", "text/vtt",
                "application/x-subrip", Produces.EVENT_STREAM).guard(this::transcribe));
        routing.post("/v1/audio/translations", (req, res) -> {
            throw ApiException.badRequest("unsupported_endpoint", null, "translation (/v1/audio/translations) is not "
                    + "served: Qwen3-ASR transcribes speech in its own language; use POST /v1/audio/transcriptions "
                    + "(with 'language' to name the spoken language)");
        });
    }

    private record Input(ObjectNode fields, Path upload, Path serverFile) {}

    private void transcribe(ServerRequest req, ServerResponse res) {
        Path upload = null;
        try {
            Input in = switch (Requests.mediaType(req)) {
                case "multipart/form-data" -> readMultipart(req);
                case "application/json" -> readJson(req);
                default -> throw ApiException.badRequest("unsupported_content_type", null,
                        "Content-Type must be multipart/form-data (with a 'file' part) or application/json (with 'file_path')");
            };
            upload = in.upload();
            TranscriptionParams p = TranscriptionParams.parse(in.fields());
            try (ModelRegistry.Lease<AsrEngine> m = registry.asr(p.model(), p.keepAlive())) {
                RequestStats stats = RequestStats.of(req);
                stats.model("asr", m.id());
                Cancellation cancel = new Cancellation();
                try (var watch = disconnects.watch(req, cancel)) {
                    run(res, m, upload != null ? upload : in.serverFile(), upload, p, stats, cancel);
                }
            }
        } finally {
            Uploads.delete(upload);
        }
    }

    /**
     * Runs on the worker: decoding (an upload is deleted as soon as its samples are in memory)
     * and recognition, timed for the access log and metrics.
     */
    private AsrEngine.Transcript transcribe(AsrEngine engine, Path audio, Path upload, TranscriptionParams p,
                                            Cancellation cancel, RequestStats stats, Consumer<AsrEngine.Segment> onSegment) {
        float[] samples;
        try {
            samples = decoder.load16kMono(audio);
        } finally {
            Uploads.delete(upload);
        }
        stats.audioSeconds(samples.length / 16_000.0);
        try {
            return engine.transcribe(samples, p.options(), cancel, seg -> {
                stats.firstOutput();
                onSegment.accept(seg);
            });
        } finally {
            stats.finished();
        }
    }

    private void run(ServerResponse res, ModelRegistry.Lease<AsrEngine> m, Path audio, Path upload, TranscriptionParams p,
                     RequestStats stats, Cancellation cancel) {
        if (!p.stream()) {
            CompletableFuture<AsrEngine.Transcript> job = m.worker().submit(cancel, stats::started,
                    () -> transcribe(m.engine(), audio, upload, p, cancel, stats, seg -> { }));
            AsrEngine.Transcript t = WorkerCalls.await(job, cancel);
            Requests.sendText(res, p.format().contentType(), p.format().render(t));
            return;
        }
        WorkerCalls.Stream<AsrEngine.Segment> stream = new WorkerCalls.Stream<>(res, cancel);
        CompletableFuture<AsrEngine.Transcript> job = m.worker().submit(cancel, stats::started,
                () -> transcribe(m.engine(), audio, upload, p, cancel, stats, stream::offer));
        // The final text is the segments' texts joined as they are (AsrEngine.Transcript), so the
        // deltas are exactly those texts: a client that appends them gets the done event's text.
        stream.relay(job, seg -> Json.write(Json.object().put("type", "transcript.text.delta").put("delta", seg.text())),
                t -> List.of(Json.write(Json.object().put("type", "transcript.text.done").put("text", t.text()))));
    }

    private Input readJson(ServerRequest req) {
        ObjectNode body = Json.parseObject(req.content().inputStream());
        if (body.has("file")) {
            throw ApiException.badRequest("invalid_parameter", "file",
                    "'file' is for multipart uploads; JSON requests name a server-side file in 'file_path'");
        }
        String path = Fields.optString(body, "file_path", 4096);
        if (path == null) throw ApiException.badRequest("missing_parameter", "file_path", "'file_path' is required");
        return new Input(body, null, filePaths.check(path));
    }

    private Input readMultipart(ServerRequest req) {
        ObjectNode fields = Json.object();
        Path file = null;
        int textParts = 0;
        try {
            MultiPart parts = req.content().as(MultiPart.class);
            while (parts.hasNext()) {
                ReadablePart part = parts.next();
                switch (part.name()) {
                    case "file" -> {
                        if (file != null) throw ApiException.badRequest("invalid_parameter", "file", "more than one 'file' part");
                        try (InputStream in = part.inputStream()) {
                            file = uploads.save(in);
                        }
                    }
                    case "file_path" -> throw ApiException.badRequest("invalid_parameter", "file_path",
                            "'file_path' is for JSON requests; multipart requests upload the audio in 'file'");
                    default -> {
                        if (++textParts > MAX_FIELDS) {
                            throw ApiException.badRequest("invalid_multipart", null, "more than " + MAX_FIELDS + " form fields");
                        }
                        String value = readField(part);
                        // "name[]" parts repeat (OpenAI SDKs send lists that way): keep them all.
                        if (part.name().endsWith("[]")) {
                            JsonNode list = fields.get(part.name());
                            (list instanceof ArrayNode a ? a : fields.putArray(part.name())).add(value);
                        } else {
                            fields.put(part.name(), value);
                        }
                    }
                }
            }
        } catch (ApiException | RequestException | HttpException e) {
            Uploads.delete(file);
            throw e;
        } catch (IOException | UncheckedIOException e) {
            Uploads.delete(file);
            throw ApiException.badRequest("invalid_multipart", null, "the multipart body could not be read: " + e.getMessage());
        } catch (RuntimeException e) {
            Uploads.delete(file);
            throw ApiException.badRequest("invalid_multipart", null, "malformed multipart/form-data body");
        }
        if (file == null) throw ApiException.badRequest("missing_parameter", "file", "the 'file' part is required");
        return new Input(fields, file, null);
    }

    private static String readField(ReadablePart part) throws IOException {
        try (InputStream in = part.inputStream()) {
            byte[] bytes = in.readNBytes(MAX_FIELD_BYTES + 1);
            if (bytes.length > MAX_FIELD_BYTES) {
                throw Fields.invalid(part.name(), "is longer than " + MAX_FIELD_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
