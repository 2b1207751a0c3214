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
        this.out = new Output(tokenizer.streamDecoder(true), thinking, stop, sink, topLogprobs >= 0);
    }

    /**
     * @param logits the prompt's last logits (this answer's own copy: it is modified)
     * @param budget tokens it may sample
     */
    Result run(SalaChatEngine.Sequence sequence, float[] logits, int promptTokens, int budget, Cancellation cancel) {
        List<ToolCall> calls = new ArrayList<>();
        TokenConstraint call = null;         // the call being generated
        StreamDecoder callDecoder = null;
        StringBuilder callText = new StringBuilder();
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
                        callText.append(callDecoder.flush()).toString());
                calls.add(c);
                if (sink != null) sink.toolCall(calls.size() - 1, c);
                call = null;
            }
            if (end) return out.finish(calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS, promptTokens, sampled, calls);
            if (next == toolCallToken && steering.calls() != null) {
                mustCall = false;
                call = steering.calls().get();
                callDecoder = tokenizer.streamDecoder(true);
                callText.setLength(0);
            } else if (call != null) {
                call.accept(next);
                callText.append(callDecoder.push(next));
            } else {
                if (steering.text() != null) steering.text().accept(next);
                TokenLogprob lp = topLogprobs >= 0 ? Logprobs.of(logits, next, topLogprobs, tokenizer) : null;
                if (out.token(next, lp)) return out.finish(FinishReason.STOP, promptTokens, sampled, calls);
            }
            adjuster.observe(next);
            if (sampled == budget) return out.finish(FinishReason.LENGTH, promptTokens, sampled, calls);
            cancel.check();
            logits = sequence.next(next);
        }
    }

    private void onlyToolCall(float[] logits) {
        float keep = logits[toolCallToken];
        java.util.Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        logits[toolCallToken] = Float.isFinite(keep) ? keep : 0;
    }

    /**
     * Token ids → UTF-8-complete text → reasoning / content → stop strings (content) → the sink
     * and the result. Each token is the block's (reasoning) or the answer's (content); a token's
     * log-probability goes out just before the first content text at or after it, and only for
     * content tokens. Tokens are held undecided while the text may still open a block.
     */
    private static final class Output {
        private final StreamDecoder decoder;
        private final ThinkSplitter think = new ThinkSplitter();
        private final boolean thinking;
        private final StopStrings stops;
        private final TextSink sink;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private final List<TokenLogprob> logprobs;
        private final List<TokenLogprob> pending = new ArrayList<>();
        private final List<TokenLogprob> undecided = new ArrayList<>();
        private int undecidedTokens;
        private boolean blockDone;
        private int reasoningTokens;

        Output(StreamDecoder decoder, boolean thinking, List<String> stop, TextSink sink, boolean logprobs) {
            this.decoder = decoder;
            this.thinking = thinking;
            this.stops = new StopStrings(stop == null ? List.of() : stop);
            this.sink = sink;
            this.logprobs = logprobs ? new ArrayList<>() : null;
        }

        /** Feeds one generated token (with its log-probability, or null); true when a stop string ended the answer. */
        boolean token(int id, TokenLogprob lp) {
            ThinkSplitter.Split split = think.push(decoder.push(id));
            classify(lp);
            emit(split);
            return stops.stopped();
        }

        private void classify(TokenLogprob lp) {
            if (!thinking || blockDone) {
                content(lp);
                return;
            }
            undecided.add(lp);
            undecidedTokens++;
            if (think.undecided()) return;
            if (!think.opened()) {
                // Plain text after all: what was held is the answer's.
                undecided.forEach(this::content);
                blockDone = true;
            } else {
                reasoningTokens += undecidedTokens;
                if (!think.inReasoning()) blockDone = true; // this token closed the block
            }
            undecided.clear();
            undecidedTokens = 0;
        }

        private void content(TokenLogprob lp) {
            if (lp != null) pending.add(lp);
        }

        Result finish(FinishReason reason, int promptTokens, int completionTokens, List<ToolCall> calls) {
            if (!stops.stopped()) {
                ThinkSplitter.Split split = think.push(decoder.flush());
                ThinkSplitter.Split rest = think.flush();
                if (!think.opened()) undecided.forEach(this::content);
                emit(new ThinkSplitter.Split(split.reasoning() + rest.reasoning(), split.content() + rest.content()));
                String tail = stops.flush();
                if (!tail.isEmpty()) visible(tail);
            }
            if (logprobs != null) logprobs.addAll(pending);
            return new Result(text.toString(), reason, promptTokens, completionTokens,
                    reasoning.isEmpty() ? null : reasoning.toString(), reasoningTokens, List.copyOf(calls),
                    logprobs == null ? null : List.copyOf(logprobs));
        }

        private void emit(ThinkSplitter.Split split) {
            if (!split.reasoning().isEmpty()) {
                reasoning.append(split.reasoning());
                if (sink != null) sink.reasoning(split.reasoning());
            }
            String shown = stops.push(split.content());
            if (!shown.isEmpty()) visible(shown);
        }

        private void visible(String piece) {
            if (logprobs != null) {
                for (TokenLogprob lp : pending) {
                    logprobs.add(lp);
                    if (sink != null) sink.logprob(lp);
                }
                pending.clear();
            }
            text.append(piece);
            if (sink != null) sink.accept(piece);
        }
    }
}
