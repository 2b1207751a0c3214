package ai.ominix.server.support;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.OutputFormat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A chat engine whose answer is known: it thinks, says a few words and, when tools are
 * declared, calls get_weather twice. It remembers the last request it was given, so that a test
 * can check what the HTTP layer made of a conversation.
 */
public final class ScriptedAgent implements ChatEngine {
    public static final String REASONING = "The user wants weather. I will call the tool.";
    public static final String TEXT = "Let me check.";
    public static final List<ToolCall> CALLS = List.of(new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
            new ToolCall("call_b", "get_weather", "{\"city\":\"Oslo\",\"unit\":\"c\"}"));

    private final String id;
    public final AtomicReference<Request> last = new AtomicReference<>();

    public ScriptedAgent(String id) {
        this.id = id;
    }

    @Override
    public String modelId() {
        return id;
    }

    @Override
    public int contextLength() {
        return 4096;
    }

    @Override
    public Result generate(Request request, Cancellation cancel, TextSink sink) {
        last.set(request);
        boolean tools = request.format() instanceof OutputFormat.Tools;
        for (String w : REASONING.split("(?<= )")) if (sink != null) sink.reasoning(w);
        if (sink != null) sink.accept(TEXT);
        List<ToolCall> calls = tools ? CALLS : List.of();
        for (int i = 0; i < calls.size(); i++) if (sink != null) sink.toolCall(i, calls.get(i));
        return new Result(TEXT, tools ? FinishReason.TOOL_CALLS : FinishReason.STOP, 9, 30, REASONING, 12, calls, null);
    }

    @Override
    public void close() {}
}
