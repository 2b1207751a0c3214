package ai.ominix.server.http;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.observe.RequestStats;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

    /**
     * What the worker streams: a piece of one choice's content or reasoning, a whole tool call,
     * with the log-probabilities of the tokens since the previous content piece.
     */
    record Delta(int index, String content, String reasoning, ChatEngine.ToolCall call, int callIndex,
                 List<ChatEngine.TokenLogprob> logprobs) {}

    private void respond(ServerRequest req, ServerResponse res, ChatParams p, ModelRegistry.Lease<ChatEngine> m) {
        RequestStats stats = RequestStats.of(req);
        stats.model("chat", m.id());
        Cancellation cancel = new Cancellation();
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (!p.stream()) {
            CompletableFuture<List<ChatEngine.Result>> job = m.worker().submit(cancel, stats::started,
                    () -> generate(m.engine(), p.request(), p.n(), cancel, stats, delta -> { }));
            List<ChatEngine.Result> results;
            try (var watch = disconnects.watch(req, cancel)) {
                results = WorkerCalls.await(job, cancel);
            }
            ObjectNode body = Json.object();
            body.put("id", id).put("object", "chat.completion").put("created", created).put("model", m.id());
            ArrayNode choices = body.putArray("choices");
            for (int i = 0; i < results.size(); i++) {
                ChatEngine.Result r = results.get(i);
                ObjectNode choice = choices.addObject();
                choice.put("index", i);
                choice.set("message", ChatJson.message(r));
                if (r.logprobs() != null) choice.set("logprobs", ChatJson.logprobs(r.logprobs())); else choice.putNull("logprobs");
                choice.put("finish_reason", r.finishReason().wire());
            }
            ChatJson.usage(body, results);
            Requests.sendJson(res, body);
            return;
        }
        WorkerCalls.Stream<Delta> stream = new WorkerCalls.Stream<>(res, cancel);
        CompletableFuture<List<ChatEngine.Result>> job = m.worker().submit(cancel, stats::started,
                () -> generate(m.engine(), p.request(), p.n(), cancel, stats, stream::offer));
        try (var watch = disconnects.watch(req, cancel)) {
            relay(stream, job, p, id, created, m.id());
        }
    }

    private static void relay(WorkerCalls.Stream<Delta> stream, CompletableFuture<List<ChatEngine.Result>> job, ChatParams p,
                              String id, long created, String model) {
        boolean[] started = new boolean[p.n()];
        stream.relay(job, d -> {
            ObjectNode delta = Json.object();
            if (!started[d.index()]) delta.put("role", "assistant");
            started[d.index()] = true;
            if (d.content() != null) delta.put("content", d.content());
            if (d.reasoning() != null) delta.put("reasoning_content", d.reasoning());
            if (d.call() != null) delta.putArray("tool_calls").add(ChatJson.toolCall(d.call(), d.callIndex()));
            ObjectNode c = chunk(id, created, model, d.index(), delta, null);
            if (!d.logprobs().isEmpty()) ((ObjectNode) c.get("choices").get(0)).set("logprobs", ChatJson.logprobs(d.logprobs()));
            return Json.write(c);
        }, results -> {
            List<String> tail = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                ObjectNode delta = Json.object();
                if (!started[i]) delta.put("role", "assistant").put("content", "");
                tail.add(Json.write(chunk(id, created, model, i, delta, results.get(i).finishReason().wire())));
            }
            if (p.includeUsage()) {
                ObjectNode u = chunkHeader(id, created, model);
                u.putArray("choices");
                ChatJson.usage(u, results);
                tail.add(Json.write(u));
            }
            tail.add("[DONE]");
            return tail;
        });
    }

    /** Runs on the worker: the engine call, timed for the access log and metrics (the other chat APIs' too). */
    static List<ChatEngine.Result> generate(ChatEngine engine, ChatEngine.Request request, int n, Cancellation cancel,
                                            RequestStats stats, java.util.function.Consumer<Delta> out) {
        try {
            List<ChatEngine.Result> results = engine.generate(request, n, cancel, index -> new ChatEngine.TextSink() {
                private List<ChatEngine.TokenLogprob> pending = new ArrayList<>();

                @Override
                public void accept(String piece) {
                    stats.firstOutput();
                    out.accept(new Delta(index, piece, null, null, 0, take()));
                }

                @Override
                public void reasoning(String piece) {
                    stats.firstOutput();
                    out.accept(new Delta(index, null, piece, null, 0, List.of()));
                }

                @Override
                public void logprob(ChatEngine.TokenLogprob token) {
                    pending.add(token);
                }

                @Override
                public void toolCall(int callIndex, ChatEngine.ToolCall call) {
                    stats.firstOutput();
                    out.accept(new Delta(index, null, null, call, callIndex, take()));
                }

                private List<ChatEngine.TokenLogprob> take() {
                    List<ChatEngine.TokenLogprob> t = pending;
                    pending = new ArrayList<>();
                    return t;
                }
            });
            int prompt = results.getFirst().promptTokens();
            stats.tokens(prompt, results.stream().mapToInt(ChatEngine.Result::completionTokens).sum());
            return results;
        } finally {
            stats.finished();
        }
    }

    private static ObjectNode chunkHeader(String id, long created, String model) {
        ObjectNode c = Json.object();
        c.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        return c;
    }

    private static ObjectNode chunk(String id, long created, String model, int index, ObjectNode delta, String finish) {
        ObjectNode c = chunkHeader(id, created, model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        if (finish == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finish);
        return c;
    }
}
