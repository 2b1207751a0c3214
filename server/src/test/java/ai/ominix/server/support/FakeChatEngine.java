package ai.ominix.server.support;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ContextOverflowException;

import java.util.List;

/**
 * A stand-in chat engine: answers with the words of the last user message, one piece per word,
 * honouring max_tokens (finish "length") and stop strings. A prompt longer than the context
 * overflows. It can be slowed down or held, and records cancellations.
 */
public final class FakeChatEngine extends EngineControl implements ChatEngine {
    public volatile long delayPerTokenMs;
    public volatile Request lastRequest;
    private final String id;

    public FakeChatEngine(String id) {
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
        lastRequest = request;
        int promptTokens = request.messages().stream().mapToInt(m -> m.content().split("\\s+").length + 2).sum();
        if (promptTokens > contextLength()) {
            throw new ContextOverflowException("prompt of " + promptTokens + " tokens exceeds the context of " + contextLength());
        }
        begin(cancel);
        List<Message> msgs = request.messages();
        String last = msgs.get(msgs.size() - 1).content();
        String[] words = last.strip().split("\\s+");
        StringBuilder out = new StringBuilder();
        int produced = 0;
        FinishReason finish = FinishReason.STOP;
        for (String w : words) {
            if (produced == request.maxTokens()) {
                finish = FinishReason.LENGTH;
                break;
            }
            check(cancel);
            if (request.stop().contains(w)) break;
            String piece = produced == 0 ? w : " " + w;
            out.append(piece);
            produced++;
            if (sink != null) sink.accept(piece);
            pause(delayPerTokenMs);
        }
        return new Result(out.toString(), finish, promptTokens, produced);
    }

    @Override
    public void close() {}
}
