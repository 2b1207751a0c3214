package ai.ominix.generate.json;

import ai.ominix.generate.json.SchemaNode.AnyOf;
import ai.ominix.generate.json.SchemaNode.ArrayNode;
import ai.ominix.generate.json.SchemaNode.ObjectNode;
import ai.ominix.generate.json.SchemaNode.RawNode;
import ai.ominix.generate.json.SchemaNode.Ref;
import ai.ominix.generate.json.SchemaNode.StringNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The pushdown automaton of a compiled schema over the bytes of a JSON text. A state is the set
 * of stacks the text so far can be in (more than one only while an {@code anyOf} is undecided);
 * stacks are immutable, so a state is a value: it is shared by copies, compared and used as the
 * key of the mask cache. Whitespace between tokens follows llama.cpp's JSON grammars: none, one
 * space, or a newline and up to {@value #MAX_INDENT} spaces or tabs, so that a text cannot grow
 * by whitespace alone.
 */
final class JsonMatcher {
    static final int MAX_INDENT = 20;
    /** anyOf/$ref expansions at one value start; deeper ones (a schema that recurses without consuming) are dropped. */
    private static final int MAX_EXPANSION = 32;

    /** An immutable stack of frames; null is the empty stack (the document is done). */
    record Stack(Frame top, Stack rest) {}

    /** The matcher's state: alternatives, deduplicated. */
    record State(List<Stack> stacks) {
        boolean dead() {
            return stacks.isEmpty();
        }
    }

    static State start(SchemaNode root) {
        return new State(List.of(new Stack(new Value(root, 0), null)));
    }

    static State step(State s, int b) {
        List<Stack> out = new ArrayList<>(2);
        for (Stack st : s.stacks) feed(st, b, out);
        if (out.size() > 1) out = new ArrayList<>(new LinkedHashSet<>(out));
        return new State(out);
    }

    static State step(State s, byte[] bytes) {
        for (byte b : bytes) {
            s = step(s, b & 0xFF);
            if (s.dead()) return s;
        }
        return s;
    }

    /** True when the text so far is a whole document. */
    static boolean complete(State s) {
        for (Stack st : s.stacks) {
            if (st == null || (st.rest == null && st.top instanceof Raw r && r.accepts())) return true;
        }
        return false;
    }

    /** True when the document is complete and no byte can follow. */
    static boolean finished(State s) {
        if (!complete(s)) return false;
        for (Stack st : s.stacks) {
            if (st != null && !(st.rest == null && st.top instanceof Raw r && !r.continues())) return false;
        }
        return true;
    }

    private static void feed(Stack s, int b, List<Stack> out) {
        if (s != null) s.top.step(b, s.rest, out);
    }

    sealed interface Frame permits Value, Obj, Key, Arr, Str, Raw {
        /** Consumes {@code b} (or, for a frame that may end here, ends and hands it to {@code rest}). */
        void step(int b, Stack rest, List<Stack> out);
    }

    /** Whitespace run states: 0 none, 1 one space (closed), 2 + k a newline and k indent chars. */
    static int whitespace(int state, int b) {
        if (state == 0) return b == ' ' ? 1 : b == '\n' ? 2 : -1;
        if (state >= 2 && state - 2 < MAX_INDENT && (b == ' ' || b == '\t')) return state + 1;
        return -1;
    }

    /** A value of {@code node} is expected (after optional whitespace). */
    record Value(SchemaNode node, int ws) implements Frame {
        @Override
        public void step(int b, Stack rest, List<Stack> out) {
            int w = whitespace(ws, b);
            if (w >= 0) out.add(new Stack(new Value(node, w), rest));
            else begin(node, b, rest, out, 0);
        }
    }

    /** The first byte of a value of {@code node}. */
    static void begin(SchemaNode node, int b, Stack rest, List<Stack> out, int depth) {
        if (depth > MAX_EXPANSION) return;
        switch (node) {
            case Ref r -> begin(r.target, b, rest, out, depth + 1);
            case AnyOf a -> {
                for (SchemaNode o : a.options) begin(o, b, rest, out, depth + 1);
            }
            case SchemaNode.Any any -> {
                SchemaNode n = switch (b) {
                    case '{' -> SchemaNode.Any.OBJECT;
                    case '[' -> SchemaNode.Any.ARRAY;
                    case '"' -> SchemaNode.Any.STRING;
                    default -> SchemaNode.Any.SCALAR;
                };
                begin(n, b, rest, out, depth + 1);
            }
            case ObjectNode o -> {
                if (b == '{') out.add(new Stack(new Obj(o, 0, Obj.OPEN, 0), rest));
            }
            case ArrayNode a -> {
                if (b == '[') out.add(new Stack(new Arr(a, 0, Arr.OPEN, 0), rest));
            }
            case StringNode s -> {
                if (b == '"') out.add(new Stack(Str.opened(s), rest));
            }
            case RawNode r -> {
                int q = r.dfa.step(0, (char) b);
                if (q != Dfa.DEAD) out.add(new Stack(new Raw(r, q), rest));
            }
        }
    }

    /**
     * Inside an object. {@code next}: the first declared property not yet written or skipped
     * (after a key: the one after it).
     */
    record Obj(ObjectNode node, int next, int phase, int ws) implements Frame {
        static final int OPEN = 0;        // after '{'
        static final int AFTER_COMMA = 1; // a key must come
        static final int COLON = 2;       // after a key
        static final int AFTER_VALUE = 3;

        @Override
        public void step(int b, Stack rest, List<Stack> out) {
            int w = whitespace(ws, b);
            if (w >= 0) {
                out.add(new Stack(new Obj(node, next, phase, w), rest));
                return;
            }
            switch (phase) {
                case OPEN, AFTER_COMMA -> {
                    if (b == '}' && phase == OPEN && (node.freeKeys() || node.restOptional(next))) out.add(rest);
                    else if (b == '"') key(rest, out);
                }
                case COLON -> {
                    if (b == ':') {
                        SchemaNode value = node.freeKeys() ? node.additional : node.properties.get(next - 1).value();
                        out.add(new Stack(new Value(value, 0), new Stack(new Obj(node, next, AFTER_VALUE, 0), rest)));
                    }
                }
                default -> {
                    if (b == '}' && (node.freeKeys() || node.restOptional(next))) out.add(rest);
                    else if (b == ',' && (node.freeKeys() || next < node.properties.size())) {
                        out.add(new Stack(new Obj(node, next, AFTER_COMMA, 0), rest));
                    }
                }
            }
        }

        private void key(Stack rest, List<Stack> out) {
            Stack colon = new Stack(new Obj(node, next, COLON, 0), rest);
            if (node.freeKeys()) {
                out.add(new Stack(Str.opened(SchemaNode.Any.STRING), colon));
                return;
            }
            int last = next; // keys that may come: up to and including the first required one
            while (last < node.properties.size() && !node.properties.get(last).required()) last++;
            last = Math.min(last, node.properties.size() - 1);
            if (next <= last) new Key(node, next, last, next, 0).step('"', rest, out);
        }
    }

    /**
     * A declared key being written: candidates are properties {@code lo..hi} whose JSON text
     * starts with what was written, i.e. with the first {@code pos} bytes of {@code cand}'s (the
     * lowest such index, so that equal states compare equal).
     */
    record Key(ObjectNode node, int lo, int hi, int cand, int pos) implements Frame {
        @Override
        public void step(int b, Stack rest, List<Stack> out) {
            byte[] prefix = node.properties.get(cand).key();
            for (int j = lo; j <= hi; j++) {
                byte[] k = node.properties.get(j).key();
                if (k.length <= pos || (k[pos] & 0xFF) != b || !java.util.Arrays.equals(k, 0, pos, prefix, 0, pos)) continue;
                if (k.length == pos + 1) out.add(new Stack(new Obj(node, j + 1, Obj.COLON, 0), rest));
                else out.add(new Stack(new Key(node, lo, hi, j, pos + 1), rest));
                return;
            }
        }
    }

    /** Inside an array with {@code count} items begun. */
    record Arr(ArrayNode node, int count, int phase, int ws) implements Frame {
        static final int OPEN = 0;
        static final int AFTER_VALUE = 1;

        @Override
        public void step(int b, Stack rest, List<Stack> out) {
            int w = whitespace(ws, b);
            if (w >= 0) {
                out.add(new Stack(new Arr(node, count, phase, w), rest));
                return;
            }
            if (b == ']' && count >= node.minItems) {
                out.add(rest);
            } else if (phase == OPEN) {
                if (node.maxItems > 0) begin(node.items, b, new Stack(new Arr(node, 1, AFTER_VALUE, 0), rest), out, 0);
            } else if (b == ',' && count < node.maxItems) {
                out.add(new Stack(new Value(node.items, 0), new Stack(new Arr(node, count + 1, AFTER_VALUE, 0), rest)));
            }
        }
    }

    /**
     * Inside a string: {@code q} is the content automaton's state (0 when unconstrained);
     * {@code need} continuation bytes of a UTF-8 character are pending ({@code cp} so far,
     * {@code lead} its first byte while the second is pending); {@code esc} 1 after a backslash,
     * 2..5 inside a {@code \\uXXXX} escape ({@code cp} accumulates the hex digits).
     */
    record Str(StringNode node, int q, int need, int cp, int lead, int esc) implements Frame {
        static Str opened(StringNode node) {
            return new Str(node, 0, 0, 0, 0, 0);
        }

        @Override
        public void step(int b, Stack rest, List<Stack> out) {
            if (need > 0) {
                int lo = 0x80, hi = 0xBF;
                if (lead == 0xE0) lo = 0xA0;
                else if (lead == 0xED) hi = 0x9F;
                else if (lead == 0xF0) lo = 0x90;
                else if (lead == 0xF4) hi = 0x8F;
                if (b < lo || b > hi) return;
                int c = (cp << 6) | (b & 0x3F);
                if (need > 1) partial(new Str(node, q, need - 1, c, 0, 0), 6 * (need - 1), rest, out);
                else character(c, rest, out);
                return;
            }
            if (esc == 1) {
                switch (b) {
                    case '"', '\\', '/' -> character(b, rest, out);
                    case 'b' -> character('\b', rest, out);
                    case 'f' -> character('\f', rest, out);
                    case 'n' -> character('\n', rest, out);
                    case 'r' -> character('\r', rest, out);
                    case 't' -> character('\t', rest, out);
                    case 'u' -> partial(new Str(node, q, 0, 0, 0, 2), 16, rest, out);
                    default -> { }
                }
                return;
            }
            if (esc >= 2) {
                int d = Character.digit(b, 16);
                if (d < 0) return;
                int c = cp * 16 + d;
                if (esc < 5) partial(new Str(node, q, 0, c, 0, esc + 1), 4 * (5 - esc), rest, out);
                else if (c < 0xD800 || c > 0xDFFF) character(c, rest, out); // a lone surrogate is no character
                return;
            }
            if (b == '"') {
                if (node.chars == null || node.chars.accepts(q)) out.add(rest);
            } else if (b == '\\') {
                if (node.chars == null || node.chars.continues(q)) out.add(new Stack(new Str(node, q, 0, 0, 0, 1), rest));
            } else if (b < 0x20) {
                // control characters must be escaped
            } else if (b < 0x80) {
                character(b, rest, out);
            } else if (b >= 0xC2 && b <= 0xDF) {
                partial(new Str(node, q, 1, b & 0x1F, b, 0), 6, rest, out);
            } else if (b >= 0xE0 && b <= 0xEF) {
                partial(new Str(node, q, 2, b & 0x0F, b, 0), 12, rest, out);
            } else if (b >= 0xF0 && b <= 0xF4) {
                partial(new Str(node, q, 3, b & 0x07, b, 0), 18, rest, out);
            }
        }

        /**
         * A character begun ({@code s.cp} its known high bits, {@code low} bits to come): kept
         * only if the content automaton takes some character it can still become, so that no
         * allowed prefix leads into a dead end.
         */
        private void partial(Str s, int low, Stack rest, List<Stack> out) {
            if (node.chars != null) {
                int lo = s.cp << low, hi = lo | ((1 << low) - 1);
                // after the lead byte alone the shortest-form floor applies; later bytes carry it
                if (s.lead >= 0xF0) lo = Math.max(lo, 0x10000);
                else if (s.lead >= 0xE0) lo = Math.max(lo, 0x800);
                else if (s.lead >= 0xC2) lo = Math.max(lo, 0x80);
                if (hi > 0xFFFF) hi = 0xFFFF; // constrained strings hold BMP characters only
                if (lo > hi || !node.chars.steps(q, lo, hi)) return;
            }
            out.add(new Stack(s, rest));
        }

        private void character(int c, Stack rest, List<Stack> out) {
            int next = q;
            if (node.chars != null) {
                if (c > 0xFFFF) return; // constrained strings hold BMP characters only
                next = node.chars.step(q, (char) c);
                if (next == Dfa.DEAD) return;
            }
            out.add(new Stack(new Str(node, next, 0, 0, 0, 0), rest));
        }
    }

    /** A value written verbatim: {@code q} is its automaton's state. */
    record Raw(RawNode node, int q) implements Frame {
        boolean accepts() {
            return node.dfa.accepts(q);
        }

        boolean continues() {
            return node.dfa.continues(q);
        }

        @Override
        public void step(int b, Stack rest, List<Stack> out) {
            int n = node.dfa.step(q, (char) b);
            if (n != Dfa.DEAD) out.add(new Stack(new Raw(node, n), rest));
            if (accepts()) feed(rest, b, out); // the value may end here: the byte is the container's
        }
    }
}
