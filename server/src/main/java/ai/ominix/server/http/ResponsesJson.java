package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.UUID;

/** The Responses API's objects: the response and its output items (reasoning, message, function call). */
final class ResponsesJson {
    private ResponsesJson() {}

    static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * The response object; {@code result} null while in progress ({@code response.created}).
     *
     * @param items the output items' ids, in the order {@link #output} writes them
     */
    static ObjectNode response(String id, long created, String model, ResponsesParams p, ChatEngine.Result result, OutputIds items) {
        ObjectNode r = Json.object().put("id", id).put("object", "response").put("created_at", created);
        String status = result == null ? "in_progress" : result.finishReason() == ChatEngine.FinishReason.LENGTH ? "incomplete" : "completed";
        r.put("status", status);
        r.putNull("error");
        if ("incomplete".equals(status)) r.putObject("incomplete_details").put("reason", "max_output_tokens");
        else r.putNull("incomplete_details");
        if (p.instructions() == null) r.putNull("instructions"); else r.put("instructions", p.instructions());
        r.put("max_output_tokens", p.maxOutputTokens());
        r.put("model", model);
        ArrayNode output = r.putArray("output");
        if (result != null) output(result, items, output);
        r.put("parallel_tool_calls", p.body().path("parallel_tool_calls").asBoolean(true));
        if (p.previousId() == null) r.putNull("previous_response_id"); else r.put("previous_response_id", p.previousId());
        r.putObject("reasoning").put("effort", p.noThink() ? "none" : "medium").putNull("summary");
        r.put("store", p.store());
        r.put("temperature", p.temperature());
        r.put("top_p", p.topP());
        JsonNode text = p.body().get("text");
        r.set("text", text instanceof ObjectNode t && t.has("format") ? t : Json.object().set("format", Json.object().put("type", "text")));
        JsonNode choice = p.body().get("tool_choice");
        if (choice == null || choice.isNull()) r.put("tool_choice", "auto"); else r.set("tool_choice", choice);
        JsonNode tools = p.body().get("tools");
        r.set("tools", tools instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode());
        r.put("truncation", "disabled");
        JsonNode metadata = p.body().get("metadata");
        r.set("metadata", metadata instanceof ObjectNode m ? m : Json.object());
        if (result == null) {
            r.putNull("usage");
        } else {
            ObjectNode u = r.putObject("usage");
            u.put("input_tokens", result.promptTokens());
            u.putObject("input_tokens_details").put("cached_tokens", result.cachedTokens());
            u.put("output_tokens", result.completionTokens());
            u.putObject("output_tokens_details").put("reasoning_tokens", result.reasoningTokens());
            u.put("total_tokens", result.promptTokens() + result.completionTokens());
        }
        return r;
    }

    /** Ids of a response's output items, fixed when the item is first streamed. */
    static final class OutputIds {
        final String reasoning = id("rs");
        final String message = id("msg");
        final java.util.List<String> calls = new java.util.ArrayList<>();

        String call(int i) {
            while (calls.size() <= i) calls.add(id("fc"));
            return calls.get(i);
        }
    }

    private static void output(ChatEngine.Result r, OutputIds ids, ArrayNode out) {
        if (r.reasoning() != null && !r.reasoning().isEmpty()) out.add(reasoning(ids.reasoning, r.reasoning()));
        if (!r.text().isEmpty() || r.toolCalls().isEmpty()) out.add(message(ids.message, r.text(), "completed"));
        for (int i = 0; i < r.toolCalls().size(); i++) out.add(call(ids.call(i), r.toolCalls().get(i), "completed"));
    }

    static ObjectNode reasoning(String id, String text) {
        ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
        ArrayNode summary = item.putArray("summary");
        if (text != null) summary.add(summaryPart(text));
        return item;
    }

    static ObjectNode summaryPart(String text) {
        return Json.object().put("type", "summary_text").put("text", text);
    }

    static ObjectNode message(String id, String text, String status) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) content.add(textPart(text));
        return item;
    }

    static ObjectNode textPart(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode call(String id, ChatEngine.ToolCall c, String status) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status).put("call_id", c.id())
                .put("name", c.name()).put("arguments", status.equals("completed") ? c.arguments() : "");
    }
}
