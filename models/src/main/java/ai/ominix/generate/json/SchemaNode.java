package ai.ominix.generate.json;

import dk.brics.automaton.Automaton;
import java.util.List;

/**
 * A compiled JSON schema: the value grammar the matcher walks. Nodes compare by identity (a
 * schema with {@code $ref} cycles is a graph), which also keeps matcher states cheap to hash.
 */
sealed interface SchemaNode {

    /** Any JSON value ({@code {}}, {@code true}, or a value inside {@code json_object}). */
    final class Any implements SchemaNode {
        static final Any INSTANCE = new Any();
        /** A free-form object: any keys, any values. */
        static final ObjectNode OBJECT = new ObjectNode(List.of(), INSTANCE);
        static final ArrayNode ARRAY = new ArrayNode(INSTANCE, 0, Integer.MAX_VALUE);
        static final StringNode STRING = new StringNode(null);
        /** Numbers and the literals. */
        static final RawNode SCALAR = RawNode.of(Numbers.any().union(Automaton.makeString("true"))
                .union(Automaton.makeString("false")).union(Automaton.makeString("null")));

        private Any() {}
    }

    /** A declared property; {@code key} is its name's JSON text (quotes included) in UTF-8. */
    record Property(String name, byte[] key, SchemaNode value, boolean required) {}

    /**
     * An object. Declared properties are written in their order, each optional one may be left
     * out; when none are declared, any keys are written with values of {@code additional} (null:
     * no keys at all).
     */
    final class ObjectNode implements SchemaNode {
        final List<Property> properties;
        final SchemaNode additional;

        ObjectNode(List<Property> properties, SchemaNode additional) {
            this.properties = List.copyOf(properties);
            this.additional = additional;
        }

        boolean freeKeys() {
            return properties.isEmpty() && additional != null;
        }

        /** True when every property from {@code from} on may be left out. */
        boolean restOptional(int from) {
            for (int i = from; i < properties.size(); i++) if (properties.get(i).required()) return false;
            return true;
        }
    }

    final class ArrayNode implements SchemaNode {
        final SchemaNode items;
        final int minItems;
        final int maxItems;

        ArrayNode(SchemaNode items, int minItems, int maxItems) {
            this.items = items;
            this.minItems = minItems;
            this.maxItems = maxItems;
        }
    }

    /**
     * A string; {@code chars}, when present, is a DFA over the decoded UTF-16 units (pattern,
     * format, length) that the content must match whole.
     */
    final class StringNode implements SchemaNode {
        final Dfa chars;

        StringNode(Automaton chars) {
            this.chars = chars == null ? null : Dfa.of(chars);
        }
    }

    /** A value written verbatim from a DFA over its bytes: numbers, literals, enum and const values. */
    final class RawNode implements SchemaNode {
        final Dfa dfa;

        private RawNode(Dfa dfa) {
            this.dfa = dfa;
        }

        static RawNode of(Automaton bytes) {
            return new RawNode(Dfa.of(bytes));
        }
    }

    /** One of several schemas. */
    final class AnyOf implements SchemaNode {
        final List<SchemaNode> options;

        AnyOf(List<SchemaNode> options) {
            this.options = List.copyOf(options);
        }
    }

    /** A {@code $ref}, resolved once the whole schema is compiled (it may point at itself). */
    final class Ref implements SchemaNode {
        final String pointer;
        SchemaNode target;

        Ref(String pointer) {
            this.pointer = pointer;
        }
    }
}
