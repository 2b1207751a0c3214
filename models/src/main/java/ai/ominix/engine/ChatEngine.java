package ai.ominix.engine;

import java.util.List;

/** Chat completion on one loaded model. Not thread-safe: the server runs one request at a time per engine. */
public interface ChatEngine extends AutoCloseable {

    String modelId();

    /** Maximum prompt + completion tokens. */
    int contextLength();

    /**
     * Generates the assistant's answer.
     *
     * @param sink receives text pieces as they are generated, each a complete UTF-8 string (no
     *             split characters), already filtered for stop strings and thinking; may be null
     * @throws ContextOverflowException when the prompt alone does not fit
     */
    Result generate(Request request, Cancellation cancel, TextSink sink);

    @Override
    void close();

    record Message(String role, String content) {}

    /**
     * @param temperature 0 = greedy
     * @param topP        nucleus threshold in (0, 1]
     * @param maxTokens   upper bound on generated tokens
     * @param stop        stop strings (not included in the output); may be empty
     * @param seed        sampling seed; null = nondeterministic
     * @param noThink     suppress/strip the {@code <think>…</think>} block
     */
    record Request(List<Message> messages, double temperature, double topP, int maxTokens,
                   List<String> stop, Long seed, boolean noThink) {}

    enum FinishReason {
        STOP("stop"), LENGTH("length");

        private final String wire;

        FinishReason(String wire) {
            this.wire = wire;
        }

        /** The OpenAI {@code finish_reason} string. */
        public String wire() {
            return wire;
        }
    }

    record Result(String text, FinishReason finishReason, int promptTokens, int completionTokens) {}

    @FunctionalInterface
    interface TextSink {
        void accept(String piece);
    }
}
