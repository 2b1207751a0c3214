package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A streamed response as the Responses API's typed events: {@code response.created},
 * {@code response.in_progress}, then per output item {@code response.output_item.added}, its
 * parts and deltas ({@code response.reasoning_summary_text.delta},
 * {@code response.output_text.delta}, {@code response.function_call_arguments.delta}) and
 * {@code response.output_item.done}, and last {@code response.completed} (or
 * {@code response.incomplete} when max_output_tokens cut it). Every event has a
 * {@code sequence_number}.
 */
final class ResponseEvents {
    private final ObjectNode created;
    private final ResponsesJson.OutputIds ids;
    private boolean started;
    private int seq;
    private int outputIndex = -1;
    private String open;  // "reasoning" or "message" while one is open
    private final StringBuilder text = new StringBuilder();

    ResponseEvents(ObjectNode created, ResponsesJson.OutputIds ids) {
        this.created = created;
        this.ids = ids;
    }

    List<EventStream.Event> delta(ChatRoutes.Delta d) {
        List<EventStream.Event> out = new ArrayList<>();
        start(out);
        if (d.reasoning() != null) {
            open("reasoning", out);
            text.append(d.reasoning());
            out.add(event("response.reasoning_summary_text.delta", item(ids.reasoning).put("summary_index", 0).put("delta", d.reasoning())));
        }
        if (d.content() != null && !d.content().isEmpty()) {
            open("message", out);
            text.append(d.content());
            out.add(event("response.output_text.delta", item(ids.message).put("content_index", 0).put("delta", d.content())
                    .set("logprobs", Json.MAPPER.createArrayNode())));
        }
        if (d.call() != null) {
            close(out);
            ChatEngine.ToolCall c = d.call();
            String id = ids.call(d.callIndex());
            outputIndex++;
            out.add(event("response.output_item.added", Json.object().put("output_index", outputIndex)
                    .set("item", ResponsesJson.call(id, c, "in_progress"))));
            out.add(event("response.function_call_arguments.delta", item(id).put("delta", c.arguments())));
            out.add(event("response.function_call_arguments.done", item(id).put("name", c.name()).put("arguments", c.arguments())));
            out.add(event("response.output_item.done", Json.object().put("output_index", outputIndex)
                    .set("item", ResponsesJson.call(id, c, "completed"))));
        }
        return out;
    }

    List<EventStream.Event> finish(ObjectNode response, ChatEngine.Result r) {
        List<EventStream.Event> out = new ArrayList<>();
        start(out);
        if (outputIndex < 0) open("message", out); // an empty answer is still one message
        close(out);
        String type = r.finishReason() == ChatEngine.FinishReason.LENGTH ? "response.incomplete" : "response.completed";
        out.add(event(type, Json.object().set("response", response)));
        return out;
    }

    private void start(List<EventStream.Event> out) {
        if (started) return;
        started = true;
        out.add(event("response.created", Json.object().set("response", created)));
        out.add(event("response.in_progress", Json.object().set("response", created)));
    }

    private ObjectNode item(String id) {
        return Json.object().put("item_id", id).put("output_index", outputIndex);
    }

    private void open(String kind, List<EventStream.Event> out) {
        if (kind.equals(open)) return;
        close(out);
        open = kind;
        outputIndex++;
        text.setLength(0);
        if (kind.equals("reasoning")) {
            out.add(event("response.output_item.added", Json.object().put("output_index", outputIndex)
                    .set("item", ResponsesJson.reasoning(ids.reasoning, null))));
            out.add(event("response.reasoning_summary_part.added", item(ids.reasoning).put("summary_index", 0)
                    .set("part", ResponsesJson.summaryPart(""))));
        } else {
            out.add(event("response.output_item.added", Json.object().put("output_index", outputIndex)
                    .set("item", ResponsesJson.message(ids.message, null, "in_progress"))));
            out.add(event("response.content_part.added", item(ids.message).put("content_index", 0)
                    .set("part", ResponsesJson.textPart(""))));
        }
    }

    private void close(List<EventStream.Event> out) {
        if (open == null) return;
        String all = text.toString();
        if (open.equals("reasoning")) {
            out.add(event("response.reasoning_summary_text.done", item(ids.reasoning).put("summary_index", 0).put("text", all)));
            out.add(event("response.reasoning_summary_part.done", item(ids.reasoning).put("summary_index", 0)
                    .set("part", ResponsesJson.summaryPart(all))));
            out.add(event("response.output_item.done", Json.object().put("output_index", outputIndex)
                    .set("item", ResponsesJson.reasoning(ids.reasoning, all))));
        } else {
            out.add(event("response.output_text.done", item(ids.message).put("content_index", 0).put("text", all)
                    .set("logprobs", Json.MAPPER.createArrayNode())));
            out.add(event("response.content_part.done", item(ids.message).put("content_index", 0).set("part", ResponsesJson.textPart(all))));
            out.add(event("response.output_item.done", Json.object().put("output_index", outputIndex)
                    .set("item", ResponsesJson.message(ids.message, all, "completed"))));
        }
        open = null;
    }

    private EventStream.Event event(String type, ObjectNode data) {
        ObjectNode e = Json.object().put("type", type);
        e.setAll(data);
        e.put("sequence_number", seq++);
        return new EventStream.Event(type, Json.write(e));
    }
}
