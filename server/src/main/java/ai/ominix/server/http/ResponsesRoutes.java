package ai.ominix.server.http;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.observe.RequestStats;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/responses} (the OpenAI Responses API), {@code GET} and {@code DELETE
 * /v1/responses/{id}}: a chat turn whose conversation may continue a stored response
 * ({@code previous_response_id}), answered as output items (reasoning, message, function
 * calls), plain or as the API's typed stream events. Stored responses live in memory for
 * {@link ResponseStore#TTL}.
 */
public final class ResponsesRoutes {
    private final ModelRegistry registry;
    private final ChatParams.Defaults defaults;
    private final DisconnectWatcher disconnects;
    private final ResponseStore store = new ResponseStore(Clock.systemUTC());

    public ResponsesRoutes(ModelRegistry registry, ChatParams.Defaults defaults, DisconnectWatcher disconnects) {
        this.registry = registry;
        this.defaults = defaults;
        this.disconnects = disconnects;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/v1/responses", Produces.of(Produces.JSON, Produces.EVENT_STREAM).guard(this::create));
        routing.get("/v1/responses/{id}", (req, res) -> Requests.sendJson(res, stored(req.path().pathParameters().get("id")).response()));
        routing.delete("/v1/responses/{id}", (req, res) -> {
            String id = req.path().pathParameters().get("id");
            if (!store.remove(id)) throw notFound(id);
            Requests.sendJson(res, Json.object().put("id", id).put("object", "response").put("deleted", true));
        });
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("response_not_found", "no stored response " + Fields.echo(id)
                + " (responses are kept in memory for " + ResponseStore.TTL.toMinutes() + " minutes)");
    }

    private ResponseStore.Entry stored(String id) {
        ResponseStore.Entry e = store.get(id);
        if (e == null) throw notFound(id);
        return e;
    }

    private void create(ServerRequest req, ServerResponse res) {
        Requests.requireJson(req);
        ResponsesParams p = ResponsesParams.parse(Json.parseObject(req.content().inputStream()), defaults);
        List<ChatEngine.Message> conversation = new ArrayList<>();
        if (p.previousId() != null) {
            ResponseStore.Entry prev = store.get(p.previousId());
            if (prev == null) {
                throw ApiException.badRequest("previous_response_not_found", "previous_response_id",
                        "no stored response " + Fields.echo(p.previousId()) + " (kept in memory for "
                                + ResponseStore.TTL.toMinutes() + " minutes, and only with store: true)");
            }
            conversation.addAll(prev.conversation());
        }
        conversation.addAll(p.input());
        ChatEngine.Request request = p.request(conversation);
        try (ModelRegistry.Lease<ChatEngine> m = registry.chat(p.model(), p.keepAlive())) {
            RequestStats stats = RequestStats.of(req);
            stats.model("chat", m.id());
            Cancellation cancel = new Cancellation();
            String id = ResponsesJson.id("resp");
            long created = System.currentTimeMillis() / 1000;
            ResponsesJson.OutputIds ids = new ResponsesJson.OutputIds();
            if (!p.stream()) {
                CompletableFuture<List<ChatEngine.Result>> job = m.worker().submit(cancel, stats::started,
                        () -> ChatRoutes.generate(m.engine(), request, 1, cancel, stats, d -> { }));
                ChatEngine.Result r;
                try (var watch = disconnects.watch(req, cancel)) {
                    r = WorkerCalls.await(job, cancel).getFirst();
                }
                Requests.sendJson(res, finished(id, created, m.id(), p, conversation, r, ids));
                return;
            }
            WorkerCalls.Stream<ChatRoutes.Delta> stream = new WorkerCalls.Stream<>(res, cancel, e -> new EventStream.Event("error",
                    Json.write(Json.object().put("type", "error").put("code", e.code()).put("message", e.getMessage()).put("param", e.param()))));
            CompletableFuture<List<ChatEngine.Result>> job = m.worker().submit(cancel, stats::started,
                    () -> ChatRoutes.generate(m.engine(), request, 1, cancel, stats, stream::offer));
            ResponseEvents events = new ResponseEvents(ResponsesJson.response(id, created, m.id(), p, null, ids), ids);
            try (var watch = disconnects.watch(req, cancel)) {
                stream.relayEvents(job, events::delta,
                        results -> events.finish(finished(id, created, m.id(), p, conversation, results.getFirst(), ids), results.getFirst()));
            }
        }
    }

    /** The final response object, stored (with the conversation it ends) unless {@code store: false}. */
    private ObjectNode finished(String id, long created, String model, ResponsesParams p, List<ChatEngine.Message> conversation,
                                ChatEngine.Result r, ResponsesJson.OutputIds ids) {
        ObjectNode response = ResponsesJson.response(id, created, model, p, r, ids);
        if (p.store()) {
            List<ChatEngine.Message> next = new ArrayList<>(conversation);
            next.add(new ChatEngine.Message("assistant", r.text(), r.toolCalls(), null));
            store.put(id, response, next);
        }
        return response;
    }
}
