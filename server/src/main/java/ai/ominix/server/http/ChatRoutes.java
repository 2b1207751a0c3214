package ai.ominix.server.http;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.observe.RequestStats;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** {@code POST /v1/chat/completions}, plain and streaming. */
public final class ChatRoutes {
    private final ModelRegistry registry;
    private final ChatParams.Defaults defaults;
    private final DisconnectWatcher disconnects;

    public ChatRoutes(ModelRegistry registry, ChatParams.Defaults defaults, DisconnectWatcher disconnects) {
        this.registry = registry;
        this.defaults = defaults;
        this.disconnects = disconnects;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/v1/chat/completions", Produces.of(Produces.JSON, Produces.EVENT_STREAM).guard(this::complete));
        // Legacy text completions: clients that still call it should learn where chat is.
        routing.post("/v1/completions", (req, res) -> {
            throw ApiException.badRequest("unsupported_endpoint", null, "legacy text completions (/v1/completions) "
                    + "are not served: the chat model takes messages; use POST /v1/chat/completions");
        });
    }

    private void complete(ServerRequest req, ServerResponse res) {
        Requests.requireJson(req);
        ChatParams p = ChatParams.parse(Json.parseObject(req.content().inputStream()), defaults);
        try (ModelRegistry.Lease<ChatEngine> m = registry.chat(p.model(), p.keepAlive())) {
            respond(req, res, p, m);
        }
    }

    private void respond(ServerRequest req, ServerResponse res, ChatParams p, ModelRegistry.Lease<ChatEngine> m) {
        RequestStats stats = RequestStats.of(req);
        stats.model("chat", m.id());
        Cancellation cancel = new Cancellation();
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (!p.stream()) {
            CompletableFuture<ChatEngine.Result> job = m.worker().submit(cancel, stats::started,
                    () -> generate(m.engine(), p, cancel, stats, piece -> { }));
            ChatEngine.Result r;
            try (var watch = disconnects.watch(req, cancel)) {
                r = WorkerCalls.await(job, cancel);
            }
            ObjectNode body = Json.object();
            body.put("id", id).put("object", "chat.completion").put("created", created).put("model", m.id());
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", r.text());
            choice.put("finish_reason", r.finishReason().wire());
            usage(body, r);
            Requests.sendJson(res, body);
            return;
        }
        WorkerCalls.Stream<String> stream = new WorkerCalls.Stream<>(res, cancel);
        CompletableFuture<ChatEngine.Result> job = m.worker().submit(cancel, stats::started,
                () -> generate(m.engine(), p, cancel, stats, stream::offer));
        try (var watch = disconnects.watch(req, cancel)) {
            relay(stream, job, p, id, created, m.id());
        }
    }

    private static void relay(WorkerCalls.Stream<String> stream, CompletableFuture<ChatEngine.Result> job, ChatParams p,
                              String id, long created, String model) {
        boolean[] first = {true};
        stream.relay(job, piece -> {
            ObjectNode delta = Json.object();
            if (first[0]) delta.put("role", "assistant");
            first[0] = false;
            delta.put("content", piece);
            return Json.write(chunk(id, created, model, delta, null));
        }, r -> {
            List<String> tail = new ArrayList<>();
            ObjectNode delta = Json.object();
            if (first[0]) delta.put("role", "assistant").put("content", "");
            tail.add(Json.write(chunk(id, created, model, delta, r.finishReason().wire())));
            if (p.includeUsage()) {
                ObjectNode u = chunkHeader(id, created, model);
                u.putArray("choices");
                usage(u, r);
                tail.add(Json.write(u));
            }
            tail.add("[DONE]");
            return tail;
        });
    }

    /** Runs on the worker: the engine call, timed for the access log and metrics. */
    private static ChatEngine.Result generate(ChatEngine engine, ChatParams p, Cancellation cancel, RequestStats stats,
                                              ChatEngine.TextSink sink) {
        try {
            ChatEngine.Result r = engine.generate(p.request(), cancel, piece -> {
                stats.firstOutput();
                sink.accept(piece);
            });
            stats.tokens(r.promptTokens(), r.completionTokens());
            return r;
        } finally {
            stats.finished();
        }
    }

    private static ObjectNode chunkHeader(String id, long created, String model) {
        ObjectNode c = Json.object();
        c.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        return c;
    }

    private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finish) {
        ObjectNode c = chunkHeader(id, created, model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finish == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finish);
        return c;
    }

    private static void usage(ObjectNode body, ChatEngine.Result r) {
        body.putObject("usage")
                .put("prompt_tokens", r.promptTokens())
                .put("completion_tokens", r.completionTokens())
                .put("total_tokens", r.promptTokens() + r.completionTokens());
    }
}
