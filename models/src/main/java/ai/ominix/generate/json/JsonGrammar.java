package ai.ominix.generate.json;

import ai.ominix.engine.OutputFormat;
import ai.ominix.generate.TokenConstraint;
import ai.ominix.generate.json.JsonMatcher.State;
import ai.ominix.generate.json.SchemaNode.ObjectNode;
import ai.ominix.generate.json.SchemaNode.Property;
import ai.ominix.generate.json.SchemaNode.RawNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dk.brics.automaton.Automaton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON grammar compiled against a vocabulary: which tokens may come next in each matcher
 * state, found by one walk of the {@link TokenTrie} (a refused prefix prunes its subtree) and
 * cached per state, since generation revisits the same few states (inside a free string the
 * state does not change at all). Thread-safe; one grammar serves every request with the same
 * schema and its {@link JsonConstraint}s.
 */
public final class JsonGrammar {
    /** A mask is vocabulary/8 bytes (9 KiB for MiniCPM's 73K tokens): at most ~9 MiB per grammar. */
    private static final int CACHED_MASKS = 1024;

    private final SchemaNode root;
    private final TokenTrie trie;
    private final Map<State, long[]> masks = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<State, long[]> e) {
            return size() > CACHED_MASKS;
        }
    };

    private JsonGrammar(SchemaNode root, TokenTrie trie) {
        this.root = root;
        this.trie = trie;
    }

    /** {@code response_format: json_object}: any JSON object. */
    public static JsonGrammar anyObject(TokenTrie trie) {
        return new JsonGrammar(SchemaNode.Any.OBJECT, trie);
    }

    /**
     * A document matching the schema (a JSON text).
     *
     * @throws UnsupportedSchemaException naming the first keyword it cannot enforce
     */
    public static JsonGrammar schema(String schema, TokenTrie trie) {
        return new JsonGrammar(SchemaCompiler.compile(schema), trie);
    }

    /**
     * One tool call, {@code {"name": ..., "arguments": ...}}: the name one of the tools', the
     * arguments matching that tool's parameter schema (no parameters: {@code {}}).
     *
     * @throws UnsupportedSchemaException naming the tool and the keyword
     */
    public static JsonGrammar toolCall(List<OutputFormat.Tool> tools, TokenTrie trie) {
        List<SchemaNode> calls = new ArrayList<>();
        for (OutputFormat.Tool t : tools) {
            SchemaNode arguments;
            try {
                arguments = t.parameters() == null ? new ObjectNode(List.of(), null) : SchemaCompiler.compile(t.parameters());
            } catch (UnsupportedSchemaException e) {
                throw new UnsupportedSchemaException(e.keyword(), "function " + t.name() + ": " + e.getMessage());
            }
            SchemaNode name = RawNode.of(Automaton.makeString(new String(json(t.name()), StandardCharsets.ISO_8859_1)));
            calls.add(new ObjectNode(List.of(new Property("name", json("name"), name, true),
                    new Property("arguments", json("arguments"), arguments, true)), null));
        }
        return new JsonGrammar(calls.size() == 1 ? calls.getFirst() : new SchemaNode.AnyOf(calls), trie);
    }

    private static byte[] json(String s) {
        return TextNode.valueOf(s).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh constraint at the start of a document; {@code ends} are the tokens that may follow a complete one. */
    public TokenConstraint constraint(int[] ends) {
        return new JsonConstraint(this, ends, JsonMatcher.start(root));
    }

    TokenTrie trie() {
        return trie;
    }

    /** The tokens allowed in {@code state}, as a bit set over token ids (end tokens not included). */
    long[] mask(State state) {
        synchronized (masks) {
            long[] m = masks.get(state);
            if (m != null) return m;
        }
        long[] m = new long[(trie.vocabSize + 63) >>> 6];
        walk(0, state, m);
        synchronized (masks) {
            masks.put(state, m);
        }
        return m;
    }

    private void walk(int node, State state, long[] mask) {
        for (int child = trie.firstChild[node]; child >= 0; child = trie.nextSibling[child]) {
            State next = JsonMatcher.step(state, trie.edge[child]);
            if (next.dead()) continue;
            for (int t = trie.tokensStart[child]; t < trie.tokensEnd[child]; t++) {
                int id = trie.tokens[t];
                mask[id >>> 6] |= 1L << id;
            }
            if (trie.firstChild[child] >= 0) walk(child, next, mask);
        }
    }
}
