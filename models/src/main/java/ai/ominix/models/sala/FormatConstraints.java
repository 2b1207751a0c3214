package ai.ominix.models.sala;

import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.OutputFormat;
import ai.ominix.generate.TokenConstraint;
import ai.ominix.tokenizer.Tokenizer;
import java.util.Set;
import java.util.function.Supplier;

/** The constraints an output format puts on the answer, compiled against the model's tokenizer. */
final class FormatConstraints {

    private final Tokenizer tokenizer;
    private final Set<Integer> textEnds;
    private final Set<Integer> callEnds;

    /**
     * @param textEnds tokens that may end a constrained answer (EOS)
     * @param callEnds tokens that may follow a complete call (EOS, or the next call's start)
     */
    FormatConstraints(Tokenizer tokenizer, Set<Integer> textEnds, Set<Integer> callEnds) {
        this.tokenizer = tokenizer;
        this.textEnds = textEnds;
        this.callEnds = callEnds;
    }

    TokenConstraint text(OutputFormat format) {
        throw new InvalidRequestException("unsupported_parameter", "response_format", "structured output is not available yet");
    }

    Supplier<TokenConstraint> toolCalls(OutputFormat.Tools tools) {
        throw new InvalidRequestException("unsupported_parameter", "tools", "tool calls are not available yet");
    }
}
