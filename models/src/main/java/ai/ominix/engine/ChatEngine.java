package ai.ominix.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Chat completion on one loaded model. Not thread-safe: the server runs one request at a time per engine. */
public interface ChatEngine extends AutoCloseable {

    /**
     * Requests this engine answers at the same time (from as many threads); more wait in the
     * server's queue. 1: calls must come one at a time.
     */
    default int parallel() {
        return 1;
    }


    String modelId();

    /** Maximum prompt + completion tokens. */
    int contextLength();

    /**
     * Generates the assistant's answer.
     *
     * @param sink receives text pieces as they are generated, each a complete UTF-8 string (no
     *             split characters), already filtered for stop strings; the {@code <think>} block
     *             goes to {@link TextSink#reasoning}; may be null
     * @throws ContextOverflowException when the prompt alone does not fit
     */
    Result generate(Request request, Cancellation cancel, TextSink sink);

    /**
     * {@code n} answers to one request ({@code n} of the OpenAI API), each drawn independently.
     * Engines that can share the prompt's prefill between them override this; the default runs
     * {@link #generate} {@code n} times.
     */
    default List<Result> generate(Request request, int n, Cancellation cancel, ChoiceSink sink) {
        List<Result> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(generate(request, cancel, sink == null ? null : sink.choice(i)));
        return out;
    }

    @Override
    void close();

    /**
     * One turn of the conversation.
     *
     * @param toolCalls  an assistant turn's tool calls (empty otherwise)
     * @param toolCallId a {@code tool} turn's answer to that call (null otherwise)
     */
    record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
        public Message(String role, String content) {
            this(role, content, List.of(), null);
        }
    }

    /** A call of a declared function: its name and its arguments as a JSON object text. */
    record ToolCall(String id, String name, String arguments) {}

    /**
     * What shapes the choice of each token beyond temperature and top_p (all off by default).
     *
     * @param topK              keep the k most likely tokens (0: all)
     * @param minP              drop tokens less likely than minP × the most likely one (0: none)
     * @param presencePenalty   subtracted from the logit of every token already generated (OpenAI)
     * @param frequencyPenalty  subtracted once per earlier occurrence in the answer (OpenAI)
     * @param repetitionPenalty divides positive and multiplies negative logits of tokens in the
     *                          prompt or the answer (1: none; as Hugging Face's)
     * @param logitBias         added to the logits of the given token ids
     * @param topLogprobs       report each sampled token's log-probability and this many
     *                          alternatives (-1: no logprobs)
     */
    record Sampling(int topK, double minP, double presencePenalty, double frequencyPenalty, double repetitionPenalty,
                    Map<Integer, Double> logitBias, int topLogprobs) {
        public static final Sampling DEFAULT = new Sampling(0, 0, 0, 0, 1, Map.of(), -1);

        public Sampling {
            logitBias = Map.copyOf(logitBias);
        }

        public boolean penalizes() {
            return presencePenalty != 0 || frequencyPenalty != 0 || repetitionPenalty != 1;
        }
    }

    /**
     * @param temperature 0 = greedy
     * @param topP        nucleus threshold in (0, 1]
     * @param maxTokens   upper bound on generated tokens
     * @param stop        stop strings (not included in the output); may be empty
     * @param seed        sampling seed; null = nondeterministic
     * @param noThink     suppress the {@code <think>…</think>} block
     * @param sampling    top_k, min_p, penalties, logit bias, logprobs
     * @param format      a constraint on what may be generated (structured output, tool calls); null for free text
     */
    record Request(List<Message> messages, double temperature, double topP, int maxTokens,
                   List<String> stop, Long seed, boolean noThink, Sampling sampling, OutputFormat format) {
        public Request(List<Message> messages, double temperature, double topP, int maxTokens, List<String> stop, Long seed,
                       boolean noThink) {
            this(messages, temperature, topP, maxTokens, stop, seed, noThink, Sampling.DEFAULT, null);
        }
    }

    enum FinishReason {
        STOP("stop"), LENGTH("length"), TOOL_CALLS("tool_calls");

        private final String wire;

        FinishReason(String wire) {
            this.wire = wire;
        }

        /** The OpenAI {@code finish_reason} string. */
        public String wire() {
            return wire;
        }
    }

    /**
     * @param reasoning         the {@code <think>} block's text (null when there was none)
     * @param reasoningTokens   tokens generated inside it
     * @param toolCalls         the calls the answer made (empty for a text answer)
     * @param logprobs          one entry per generated token (null unless asked for)
     * @param cachedTokens      prompt tokens whose prefill was reused from the prompt cache
     */
    record Result(String text, FinishReason finishReason, int promptTokens, int completionTokens, String reasoning,
                  int reasoningTokens, List<ToolCall> toolCalls, List<TokenLogprob> logprobs, int cachedTokens) {
        public Result(String text, FinishReason finishReason, int promptTokens, int completionTokens, String reasoning,
                      int reasoningTokens, List<ToolCall> toolCalls, List<TokenLogprob> logprobs) {
            this(text, finishReason, promptTokens, completionTokens, reasoning, reasoningTokens, toolCalls, logprobs, 0);
        }

        public Result(String text, FinishReason finishReason, int promptTokens, int completionTokens) {
            this(text, finishReason, promptTokens, completionTokens, null, 0, List.of(), null);
        }

        /** The same result, {@code cached} of its prompt tokens reused from the prompt cache. */
        public Result withCachedTokens(int cached) {
            return new Result(text, finishReason, promptTokens, completionTokens, reasoning, reasoningTokens, toolCalls, logprobs, cached);
        }
    }

    /** A generated token's text, its log-probability and the most likely alternatives at its position. */
    record TokenLogprob(String token, double logprob, byte[] bytes, List<TokenLogprob> top) {}

    /** Where streamed output goes. Only {@link #accept} is required. */
    @FunctionalInterface
    interface TextSink {
        /** A piece of the answer's content. */
        void accept(String piece);

        /** A piece of the {@code <think>} block. */
        default void reasoning(String piece) {}

        /** The log-probabilities of a token just generated (when asked for), before its text. */
        default void logprob(TokenLogprob token) {}

        /** A whole tool call, as soon as its arguments are complete; {@code index} counts the answer's calls from 0. */
        default void toolCall(int index, ToolCall call) {}
    }

    /** Streams for several choices. */
    @FunctionalInterface
    interface ChoiceSink {
        TextSink choice(int index);
    }
}
