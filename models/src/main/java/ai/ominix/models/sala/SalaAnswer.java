package ai.ominix.models.sala;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine.FinishReason;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.engine.ChatEngine.TextSink;
import ai.ominix.engine.ChatEngine.TokenLogprob;
import ai.ominix.engine.ChatEngine.ToolCall;
import ai.ominix.generate.LogitAdjuster;
import ai.ominix.generate.Logprobs;
import ai.ominix.generate.Sampler;
import ai.ominix.generate.StopStrings;
import ai.ominix.generate.ThinkSplitter;
import ai.ominix.generate.TokenConstraint;
import ai.ominix.tokenizer.StreamDecoder;
import ai.ominix.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One answer (one choice) token by token, from the logits of its prompt: logits adjusted
 * (penalties, bias), masked by what may come next ({@link Steering}), log-probabilities taken,
 * a token sampled; then either the end, or the token fed back for the next logits. Text goes
 * through the stream decoder, the reasoning/content split and the stop strings; a tool call's
 * JSON is collected apart and becomes a {@link ToolCall}.
 */
final class SalaAnswer {

    /**
     * What may come next.
     *
     * @param text      the constraint on the answer's text (a JSON format), or null for free text
     * @param calls     a fresh constraint for one call's JSON, or null when there are no tools
     * @param forceCall the answer must start with a call (tool_choice required or a named function)
     * @param noCalls   tools are declared but tool_choice is none
     */
    record Steering(TokenConstraint text, Supplier<TokenConstraint> calls, boolean forceCall, boolean noCalls) {
        static final Steering FREE = new Steering(null, null, false, false);

        Steering copy() {
            return new Steering(text == null ? null : text.copy(), calls, forceCall, noCalls);
        }
    }

    private final Tokenizer tokenizer;
    private final Set<Integer> eos;
    private final int toolCallToken;
    private final Sampler sampler;
    private final LogitAdjuster adjuster;
    private final Steering steering;
    private final int topLogprobs;
    private final TextSink sink;
    private final Output out;

    SalaAnswer(Tokenizer tokenizer, Set<Integer> eos, int toolCallToken, Sampler sampler, LogitAdjuster adjuster,
               Steering steering, int topLogprobs, boolean thinking, List<String> stop, TextSink sink) {
        this.tokenizer = tokenizer;
        this.eos = eos;
        this.toolCallToken = toolCallToken;
        this.sampler = sampler;
        this.adjuster = adjuster;
        this.steering = steering;
        this.topLogprobs = topLogprobs;
        this.sink = sink;
        this.out = new Output(tokenizer.streamDecoder(true), thinking, stop, sink);
    }

    /**
     * @param logits the prompt's last logits (this answer's own copy: it is modified)
     * @param budget tokens it may sample
     */
    Result run(SalaChatEngine.Sequence sequence, float[] logits, int promptTokens, int budget, Cancellation cancel) {
        List<TokenLogprob> logprobs = topLogprobs >= 0 ? new ArrayList<>() : null;
        List<ToolCall> calls = new ArrayList<>();
        TokenConstraint call = null;         // the call being generated
        StreamDecoder callText = null;
        boolean mustCall = steering.forceCall();
        int sampled = 0;
        while (true) {
            adjuster.apply(logits);
            if (call != null) call.mask(logits);
            else if (mustCall) onlyToolCall(logits);
            else {
                if (steering.text() != null) steering.text().mask(logits);
                if (steering.noCalls() && toolCallToken >= 0) logits[toolCallToken] = Float.NEGATIVE_INFINITY;
            }
            int next = sampler.sample(logits);
            sampled++;
            boolean end = eos.contains(next);
            if (call != null && (end || next == toolCallToken)) {
                // The call's JSON was complete (the constraint allows nothing else here).
                ToolCall c = SalaToolFormat.parseCall("call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24),
                        callText.flush());
                calls.add(c);
                if (sink != null) sink.toolCall(calls.size() - 1, c);
                call = null;
            }
            if (end) return out.finish(calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS, promptTokens, sampled, calls, logprobs);
            if (next == toolCallToken && steering.calls() != null) {
                mustCall = false;
                call = steering.calls().get();
                callText = tokenizer.streamDecoder(true);
            } else if (call != null) {
                call.accept(next);
                callText.push(next);
            } else {
                if (steering.text() != null) steering.text().accept(next);
                if (logprobs != null && !out.inReasoning()) {
                    TokenLogprob lp = Logprobs.of(logits, next, topLogprobs, tokenizer);
                    logprobs.add(lp);
                    if (sink != null) sink.logprob(lp);
                }
                if (out.token(next)) return out.finish(FinishReason.STOP, promptTokens, sampled, calls, logprobs);
            }
            adjuster.observe(next);
            if (sampled == budget) return out.finish(FinishReason.LENGTH, promptTokens, sampled, calls, logprobs);
            cancel.check();
            logits = sequence.next(next);
        }
    }

    private void onlyToolCall(float[] logits) {
        float keep = logits[toolCallToken];
        java.util.Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        logits[toolCallToken] = Float.isFinite(keep) ? keep : 0;
    }

    /** Token ids → UTF-8-complete text → reasoning / content → stop strings (content) → the sink and the result. */
    private static final class Output {
        private final StreamDecoder decoder;
        private final ThinkSplitter think = new ThinkSplitter();
        private final boolean thinking;
        private final StopStrings stops;
        private final TextSink sink;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private int reasoningTokens;

        Output(StreamDecoder decoder, boolean thinking, List<String> stop, TextSink sink) {
            this.decoder = decoder;
            this.thinking = thinking;
            this.stops = new StopStrings(stop == null ? List.of() : stop);
            this.sink = sink;
        }

        /** True while the tokens are (or may still be) the think block's. */
        boolean inReasoning() {
            return thinking && think.inReasoning();
        }

        /** Feeds one generated token; true when a stop string ended the answer. */
        boolean token(int id) {
            boolean was = inReasoning();
            emit(decoder.push(id), false);
            // The tokens of the block, its tags included (not a first plain-text token).
            if (was && (think.inReasoning() || think.opened())) reasoningTokens++;
            return stops.stopped();
        }

        Result finish(FinishReason reason, int promptTokens, int completionTokens, List<ToolCall> calls,
                      List<TokenLogprob> logprobs) {
            if (!stops.stopped()) emit(decoder.flush(), true);
            return new Result(text.toString(), reason, promptTokens, completionTokens,
                    reasoning.isEmpty() ? null : reasoning.toString(), reasoningTokens, List.copyOf(calls),
                    logprobs == null ? null : List.copyOf(logprobs));
        }

        private void emit(String piece, boolean last) {
            ThinkSplitter.Split split = think.push(piece);
            if (last) {
                ThinkSplitter.Split rest = think.flush();
                split = new ThinkSplitter.Split(split.reasoning() + rest.reasoning(), split.content() + rest.content());
            }
            if (!split.reasoning().isEmpty()) {
                reasoning.append(split.reasoning());
                if (sink != null) sink.reasoning(split.reasoning());
            }
            String visible = stops.push(split.content());
            if (last) visible += stops.flush();
            if (visible.isEmpty()) return;
            text.append(visible);
            if (sink != null) sink.accept(visible);
        }
    }
}
