package ai.ominix.server.http;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.observe.RequestStats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/messages}: the Anthropic Messages API on the chat model, plain and streamed
 * ({@code message_start}, content blocks of thinking, text and tool use with their deltas,
 * {@code message_delta}, {@code message_stop}), so that Claude-style clients and the Anthropic
 * SDKs work against the local server. Errors carry Anthropic's error body.
 */
public final class MessagesRoutes {
    private final ModelRegistry registry;
    private final ChatParams.Defaults defaults;
    private final DisconnectWatcher disconnects;

    public MessagesRoutes(ModelRegistry registry, ChatParams.Defaults defaults, DisconnectWatcher disconnects) {
        this.registry = registry;
        this.defaults = defaults;
        this.disconnects = disconnects;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/v1/messages", Produces.of(Produces.JSON, Produces.EVENT_STREAM).guard(this::messages));
    }

    private void messages(ServerRequest req, ServerResponse res) {
        Requests.requireJson(req);
        MessagesParams p = MessagesParams.parse(Json.parseObject(req.content().inputStream()), defaults);
        try (ModelRegistry.Lease<ChatEngine> m = registry.chat(p.model(), p.keepAlive())) {
            RequestStats stats = RequestStats.of(req);
            stats.model("chat", m.id());
            Cancellation cancel = new Cancellation();
            String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
            if (!p.stream()) {
                CompletableFuture<List<ChatEngine.Result>> job = m.worker().submit(cancel, stats::started,
                        () -> ChatRoutes.generate(m.engine(), p.request(), 1, cancel, stats, d -> { }));
                List<ChatEngine.Result> results;
                try (var watch = disconnects.watch(req, cancel)) {
                    results = WorkerCalls.await(job, cancel);
                }
                Requests.sendJson(res, message(id, m.id(), results.getFirst()));
                return;
            }
            WorkerCalls.Stream<ChatRoutes.Delta> stream = new WorkerCalls.Stream<>(res, cancel,
                    e -> new EventStream.Event("error", Json.write(ErrorResponses.anthropicEnvelope(e))));
            CompletableFuture<List<ChatEngine.Result>> job = m.worker().submit(cancel, stats::started,
                    () -> ChatRoutes.generate(m.engine(), p.request(), 1, cancel, stats, stream::offer));
            Blocks blocks = new Blocks(id, m.id());
            try (var watch = disconnects.watch(req, cancel)) {
                stream.relayEvents(job, blocks::delta, results -> blocks.finish(results.getFirst()));
            }
        }
    }

    static String stopReason(ChatEngine.FinishReason f) {
        return switch (f) {
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            default -> "end_turn";
        };
    }

    /** Anthropic counts cache reads apart: input_tokens are the ones prefilled now. */
    private static ObjectNode usage(int input, int output, int cached) {
        return Json.object().put("input_tokens", input - cached).put("cache_read_input_tokens", cached)
                .put("cache_creation_input_tokens", 0).put("output_tokens", output);
    }

    /** A call's arguments as the {@code input} object (they are JSON by construction). */
    private static JsonNode input(ChatEngine.ToolCall c) {
        try {
            return Json.MAPPER.readTree(c.arguments());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Json.object();
        }
    }

    /** The whole answer: thinking, text and tool-use blocks. */
    static ObjectNode message(String id, String model, ChatEngine.Result r) {
        ObjectNode m = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        ArrayNode content = m.putArray("content");
        if (r.reasoning() != null && !r.reasoning().isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", r.reasoning()).put("signature", "");
        }
        if (!r.text().isEmpty() || r.toolCalls().isEmpty()) content.addObject().put("type", "text").put("text", r.text());
        for (ChatEngine.ToolCall c : r.toolCalls()) {
            content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name()).set("input", input(c));
        }
        m.put("stop_reason", stopReason(r.finishReason()));
        m.putNull("stop_sequence");
        m.set("usage", usage(r.promptTokens(), r.completionTokens(), r.cachedTokens()));
        return m;
    }

    /** The streamed answer's events: one content block per run of thinking, text or a tool call. */
    private static final class Blocks {
        private final String id;
        private final String model;
        private boolean started;
        private String open;   // type of the open block, or null
        private int index = -1;

        Blocks(String id, String model) {
            this.id = id;
            this.model = model;
        }

        List<EventStream.Event> delta(ChatRoutes.Delta d) {
            List<EventStream.Event> out = new ArrayList<>();
            start(out);
            if (d.reasoning() != null) {
                open("thinking", Json.object().put("type", "thinking").put("thinking", ""), out);
                out.add(event("content_block_delta", Json.object().put("type", "content_block_delta").put("index", index)
                        .set("delta", Json.object().put("type", "thinking_delta").put("thinking", d.reasoning()))));
            }
            if (d.content() != null && !d.content().isEmpty()) {
                open("text", Json.object().put("type", "text").put("text", ""), out);
                out.add(event("content_block_delta", Json.object().put("type", "content_block_delta").put("index", index)
                        .set("delta", Json.object().put("type", "text_delta").put("text", d.content()))));
            }
            if (d.call() != null) {
                ChatEngine.ToolCall c = d.call();
                close(out);
                ObjectNode block = Json.object().put("type", "tool_use").put("id", c.id()).put("name", c.name());
                block.putObject("input");
                open("tool_use", block, out);
                out.add(event("content_block_delta", Json.object().put("type", "content_block_delta").put("index", index)
                        .set("delta", Json.object().put("type", "input_json_delta").put("partial_json", c.arguments()))));
                close(out);
            }
            return out;
        }

        List<EventStream.Event> finish(ChatEngine.Result r) {
            List<EventStream.Event> out = new ArrayList<>();
            start(out);
            if (index < 0) open("text", Json.object().put("type", "text").put("text", ""), out);
            close(out);
            ObjectNode delta = Json.object().put("type", "message_delta");
            delta.putObject("delta").put("stop_reason", stopReason(r.finishReason())).putNull("stop_sequence");
            delta.set("usage", usage(r.promptTokens(), r.completionTokens(), r.cachedTokens()));
            out.add(event("message_delta", delta));
            out.add(event("message_stop", Json.object().put("type", "message_stop")));
            return out;
        }

        private void start(List<EventStream.Event> out) {
            if (started) return;
            started = true;
            ObjectNode message = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
            message.putArray("content");
            message.putNull("stop_reason").putNull("stop_sequence");
            message.set("usage", usage(0, 0, 0));
            out.add(event("message_start", Json.object().put("type", "message_start").set("message", message)));
            out.add(event("ping", Json.object().put("type", "ping")));
        }

        private void open(String type, ObjectNode block, List<EventStream.Event> out) {
            if (type.equals(open)) return;
            close(out);
            open = type;
            index++;
            out.add(event("content_block_start", Json.object().put("type", "content_block_start").put("index", index)
                    .set("content_block", block)));
        }

        private void close(List<EventStream.Event> out) {
            if (open == null) return;
            out.add(event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index)));
            open = null;
        }

        private static EventStream.Event event(String name, JsonNode data) {
            return new EventStream.Event(name, Json.write(data));
        }
    }
}
