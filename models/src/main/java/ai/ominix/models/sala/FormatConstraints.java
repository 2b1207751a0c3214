package ai.ominix.models.sala;

import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.OutputFormat;
import ai.ominix.generate.TokenConstraint;
import ai.ominix.generate.json.JsonGrammar;
import ai.ominix.generate.json.TokenTrie;
import ai.ominix.generate.json.UnsupportedSchemaException;
import ai.ominix.tokenizer.Tokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The constraints an output format puts on the answer, compiled against the model's vocabulary.
 * The vocabulary trie is built on first use; compiled grammars (with their cached masks) are
 * kept for the most recent schemas, so an agent that sends the same tools every turn compiles
 * them once.
 */
final class FormatConstraints {
    /** With their mask caches, at most ~75 MiB on MiniCPM's vocabulary. */
    private static final int CACHED_GRAMMARS = 8;

    private final Tokenizer tokenizer;
    private final int[] textEnds;
    private final int[] callEnds;
    private final Set<Integer> excluded;
    private TokenTrie trie;
    private final Map<String, JsonGrammar> grammars = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonGrammar> e) {
            return size() > CACHED_GRAMMARS;
        }
    };

    /**
     * @param textEnds tokens that may end a constrained answer (EOS)
     * @param callEnds tokens that may follow a complete call (EOS, or the next call's start)
     */
    FormatConstraints(Tokenizer tokenizer, Set<Integer> textEnds, Set<Integer> callEnds) {
        this.tokenizer = tokenizer;
        this.textEnds = textEnds.stream().mapToInt(Integer::intValue).toArray();
        this.callEnds = callEnds.stream().mapToInt(Integer::intValue).toArray();
        this.excluded = new java.util.HashSet<>(textEnds);
        this.excluded.addAll(callEnds);
    }

    TokenConstraint text(OutputFormat format) {
        return switch (format) {
            case OutputFormat.JsonObject j -> grammar("object", t -> JsonGrammar.anyObject(t), "response_format").constraint(textEnds);
            case OutputFormat.JsonSchema s ->
                    grammar("schema:" + s.schema(), t -> JsonGrammar.schema(s.schema(), t), "response_format").constraint(textEnds);
            default -> throw new IllegalArgumentException("not a text format: " + format);
        };
    }

    /** A fresh constraint per call: a declared function's name and arguments of its schema. */
    Supplier<TokenConstraint> toolCalls(OutputFormat.Tools tools) {
        List<OutputFormat.Tool> callable = tools.tools();
        String choice = tools.choice();
        if (!choice.equals(OutputFormat.Tools.AUTO) && !choice.equals(OutputFormat.Tools.REQUIRED)) {
            callable = callable.stream().filter(t -> t.name().equals(choice)).toList();
            if (callable.isEmpty()) {
                throw new InvalidRequestException("invalid_value", "tool_choice", "tool_choice names " + choice + ", which is not among tools");
            }
        }
        StringBuilder key = new StringBuilder("tools:");
        for (OutputFormat.Tool t : callable) key.append(t.name()).append('\u0000').append(t.parameters()).append('\u0000');
        List<OutputFormat.Tool> chosen = callable;
        JsonGrammar g = grammar(key.toString(), t -> JsonGrammar.toolCall(chosen, t), "tools");
        int[] ends = tools.parallel() ? callEnds : textEnds; // one call: only the end may follow it
        return () -> g.constraint(ends);
    }

    private JsonGrammar grammar(String key, Function<TokenTrie, JsonGrammar> compile, String param) {
        synchronized (grammars) {
            JsonGrammar g = grammars.get(key);
            if (g != null) return g;
        }
        JsonGrammar g;
        try {
            g = compile.apply(trie());
        } catch (UnsupportedSchemaException e) {
            throw new InvalidRequestException("unsupported_schema", param, e.getMessage());
        }
        synchronized (grammars) {
            grammars.put(key, g);
        }
        return g;
    }

    private synchronized TokenTrie trie() {
        if (trie == null) trie = TokenTrie.of(tokenizer, excluded::contains);
        return trie;
    }
}
