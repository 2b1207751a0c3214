package ai.ominix.generate.json;

import ai.ominix.generate.TokenConstraint;
import ai.ominix.generate.json.JsonMatcher.State;

/**
 * Constrained decoding of one JSON document: only tokens that keep the text a prefix of a
 * document of the grammar survive the mask, and the end tokens only once the document is
 * complete. The state is immutable, so {@link #copy} is free.
 */
final class JsonConstraint implements TokenConstraint {
    private final JsonGrammar grammar;
    private final int[] ends;
    private State state;

    JsonConstraint(JsonGrammar grammar, int[] ends, State state) {
        this.grammar = grammar;
        this.ends = ends;
        this.state = state;
    }

    @Override
    public void mask(float[] logits) {
        boolean complete = JsonMatcher.complete(state);
        float[] endLogits = new float[ends.length];
        for (int i = 0; i < ends.length; i++) endLogits[i] = ends[i] < logits.length ? logits[ends[i]] : Float.NEGATIVE_INFINITY;
        long[] allowed = JsonMatcher.finished(state) ? null : grammar.mask(state);
        boolean any = false;
        for (int id = 0; id < logits.length; id++) {
            if (allowed != null && id < grammar.trie().vocabSize && (allowed[id >>> 6] & (1L << id)) != 0) any = true;
            else logits[id] = Float.NEGATIVE_INFINITY;
        }
        if (complete || !any) { // (nothing allowed cannot happen with a vocabulary that spells every byte; end rather than sample nothing)
            for (int i = 0; i < ends.length; i++) {
                if (ends[i] < logits.length) logits[ends[i]] = Float.isFinite(endLogits[i]) ? endLogits[i] : 0f;
            }
        }
    }

    @Override
    public void accept(int token) {
        for (int e : ends) {
            if (e == token) {
                if (!JsonMatcher.complete(state)) throw new IllegalStateException("end token " + token + " before the JSON document is complete");
                return;
            }
        }
        byte[] bytes = grammar.trie().spelling(token);
        State next = bytes == null ? null : JsonMatcher.step(state, bytes);
        if (next == null || next.dead()) throw new IllegalStateException("token " + token + " does not continue the JSON document");
        state = next;
    }

    @Override
    public boolean complete() {
        return JsonMatcher.complete(state);
    }

    @Override
    public boolean finished() {
        return JsonMatcher.finished(state);
    }

    @Override
    public TokenConstraint copy() {
        return new JsonConstraint(grammar, ends, state);
    }
}
