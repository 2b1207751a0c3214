package ai.ominix.generate.json;

import ai.ominix.generate.json.SchemaNode.AnyOf;
import ai.ominix.generate.json.SchemaNode.ArrayNode;
import ai.ominix.generate.json.SchemaNode.ObjectNode;
import ai.ominix.generate.json.SchemaNode.Property;
import ai.ominix.generate.json.SchemaNode.RawNode;
import ai.ominix.generate.json.SchemaNode.Ref;
import ai.ominix.generate.json.SchemaNode.StringNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.brics.automaton.Automaton;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON schema (draft 2020-12, the subset OpenAI's strict mode accepts and a little more) →
 * {@link SchemaNode}s. Every keyword that constrains a value is either enforced or refused with
 * an {@link UnsupportedSchemaException} naming it; annotations are ignored. The generated values
 * are a subset of the schema's: properties in declaration order, canonical enum and const
 * texts, bounded digits.
 */
final class SchemaCompiler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "$comment", "examples",
            "default", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "$anchor", "contentMediaType",
            "contentEncoding", "strict", "name");
    private static final Set<String> OBJECT = Set.of("properties", "required", "additionalProperties");
    private static final Set<String> ARRAY = Set.of("items", "minItems", "maxItems", "uniqueItems");
    private static final Set<String> STRING = Set.of("pattern", "format", "minLength", "maxLength");
    private static final Set<String> NUMBER = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
    /** Longest string length enforced exactly (the automaton grows with it). */
    private static final int MAX_LENGTH_BOUND = 4096;

    private final JsonNode root;
    private final Map<String, SchemaNode> byPointer = new HashMap<>();
    private final List<Ref> refs = new ArrayList<>();

    private SchemaCompiler(JsonNode root) {
        this.root = root;
    }

    /** Compiles a schema given as JSON text. */
    static SchemaNode compile(String schema) {
        JsonNode node;
        try {
            node = JSON.readTree(schema);
        } catch (JsonProcessingException e) {
            throw new UnsupportedSchemaException("schema", "the schema is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null) throw new UnsupportedSchemaException("schema", "the schema is empty");
        return compile(node);
    }

    static SchemaNode compile(JsonNode schema) {
        SchemaCompiler c = new SchemaCompiler(schema);
        SchemaNode top = c.node(schema, "#");
        c.resolveRefs();
        return top;
    }

    private SchemaNode node(JsonNode s, String at) {
        if (s.isBoolean()) {
            if (s.booleanValue()) return SchemaNode.Any.INSTANCE;
            throw new UnsupportedSchemaException("false", "the schema at " + at + " is false: no value matches it");
        }
        if (!s.isObject()) throw new UnsupportedSchemaException("schema", "the schema at " + at + " is not an object");
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (ANNOTATIONS.contains(k) || OBJECT.contains(k) || ARRAY.contains(k) || STRING.contains(k) || NUMBER.contains(k)
                    || Set.of("type", "enum", "const", "anyOf", "allOf", "$ref").contains(k)) continue;
            throw new UnsupportedSchemaException(k, "the schema keyword \"" + k + "\" (at " + at + ") is not supported");
        }
        if (s.has("$ref")) {
            onlyWith(s, at, "$ref");
            Ref r = new Ref(s.get("$ref").asText());
            refs.add(r);
            return r;
        }
        if (s.has("allOf")) {
            JsonNode all = s.get("allOf");
            onlyWith(s, at, "allOf");
            if (!all.isArray() || all.size() != 1) {
                throw new UnsupportedSchemaException("allOf", "allOf with more than one schema (at " + at + ") is not supported");
            }
            return node(all.get(0), at + "/allOf/0");
        }
        if (s.has("anyOf")) {
            onlyWith(s, at, "anyOf");
            JsonNode any = s.get("anyOf");
            if (!any.isArray() || any.isEmpty()) throw new UnsupportedSchemaException("anyOf", "anyOf at " + at + " must be a non-empty array");
            List<SchemaNode> options = new ArrayList<>();
            for (int i = 0; i < any.size(); i++) options.add(node(any.get(i), at + "/anyOf/" + i));
            return options.size() == 1 ? options.getFirst() : new AnyOf(options);
        }
        Set<String> types = types(s, at);
        if (s.has("const") || s.has("enum")) return literals(s, types, at);
        List<SchemaNode> options = new ArrayList<>();
        for (String t : types) {
            options.add(switch (t) {
                case "object" -> object(s, at);
                case "array" -> array(s, at);
                case "string" -> string(s, at);
                case "number", "integer" -> number(s, t.equals("integer"), at);
                case "boolean" -> RawNode.of(Automaton.makeString("true").union(Automaton.makeString("false")));
                case "null" -> RawNode.of(Automaton.makeString("null"));
                default -> throw new UnsupportedSchemaException("type", "unknown type \"" + t + "\" at " + at);
            });
        }
        if (options.isEmpty()) return SchemaNode.Any.INSTANCE;
        return options.size() == 1 ? options.getFirst() : new AnyOf(options);
    }

    /** The declared types, else the one the keywords imply, else none (any value). */
    private static Set<String> types(JsonNode s, String at) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode t = s.get("type");
        if (t != null) {
            if (t.isTextual()) types.add(t.asText());
            else if (t.isArray()) t.forEach(x -> types.add(x.asText()));
            else throw new UnsupportedSchemaException("type", "type at " + at + " must be a string or an array");
            if (types.contains("number")) types.remove("integer");
            return types;
        }
        if (has(s, OBJECT)) types.add("object");
        if (has(s, ARRAY)) types.add("array");
        if (has(s, STRING)) types.add("string");
        if (has(s, NUMBER)) types.add("number");
        return types;
    }

    private static boolean has(JsonNode s, Set<String> keys) {
        for (String k : keys) if (s.has(k)) return true;
        return false;
    }

    /** A combinator next to keywords that constrain too (their conjunction) is refused. */
    private static void onlyWith(JsonNode s, String at, String keyword) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals(keyword) && !ANNOTATIONS.contains(k)) {
                throw new UnsupportedSchemaException(k, "\"" + k + "\" next to \"" + keyword + "\" (at " + at + ") is not supported");
            }
        }
    }

    private SchemaNode literals(JsonNode s, Set<String> types, String at) {
        List<JsonNode> values = new ArrayList<>();
        if (s.has("const")) values.add(s.get("const"));
        if (s.has("enum")) {
            if (!s.get("enum").isArray()) throw new UnsupportedSchemaException("enum", "enum at " + at + " must be an array");
            s.get("enum").forEach(values::add);
        }
        if (s.has("const") && s.has("enum")) values = List.of(s.get("const"));
        Automaton a = Automaton.makeEmpty();
        for (JsonNode v : values) {
            if (!types.isEmpty() && !types.contains(typeOf(v)) && !(typeOf(v).equals("integer") && types.contains("number"))) continue;
            a = a.union(Automaton.makeString(latin1(canonical(v))));
        }
        if (a.isEmpty()) throw new UnsupportedSchemaException("enum", "no value of enum/const at " + at + " has the declared type");
        return RawNode.of(a);
    }

    private static String typeOf(JsonNode v) {
        if (v.isObject()) return "object";
        if (v.isArray()) return "array";
        if (v.isTextual()) return "string";
        if (v.isIntegralNumber() || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0)) return "integer";
        if (v.isNumber()) return "number";
        if (v.isBoolean()) return "boolean";
        return "null";
    }

    private static byte[] canonical(JsonNode v) {
        try {
            return JSON.writeValueAsBytes(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes as chars 0..255: raw nodes match the UTF-8 text byte by byte. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private SchemaNode object(JsonNode s, String at) {
        JsonNode props = s.get("properties");
        Set<String> required = new LinkedHashSet<>();
        if (s.has("required")) s.get("required").forEach(r -> required.add(r.asText()));
        JsonNode extra = s.get("additionalProperties");
        SchemaNode additional = extra == null ? SchemaNode.Any.INSTANCE
                : extra.isBoolean() && !extra.booleanValue() ? null : node(extra, at + "/additionalProperties");
        List<Property> properties = new ArrayList<>();
        if (props != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                properties.add(property(p.getKey(), node(p.getValue(), at + "/properties/" + p.getKey()), required.contains(p.getKey())));
            }
        }
        for (String r : required) {
            if (props != null && props.has(r)) continue;
            if (additional == null) {
                throw new UnsupportedSchemaException("required", "\"" + r + "\" is required at " + at
                        + " but not among its properties, and additionalProperties is false");
            }
            properties.add(property(r, additional, true));
        }
        return new ObjectNode(properties, properties.isEmpty() ? additional : null);
    }

    private static Property property(String name, SchemaNode value, boolean required) {
        return new Property(name, canonical(com.fasterxml.jackson.databind.node.TextNode.valueOf(name)), value, required);
    }

    private SchemaNode array(JsonNode s, String at) {
        if (s.has("uniqueItems") && s.get("uniqueItems").asBoolean()) {
            throw new UnsupportedSchemaException("uniqueItems", "uniqueItems (at " + at + ") is not supported");
        }
        JsonNode items = s.get("items");
        SchemaNode item = items == null ? SchemaNode.Any.INSTANCE : node(items, at + "/items");
        int min = s.has("minItems") ? s.get("minItems").asInt() : 0;
        int max = s.has("maxItems") ? s.get("maxItems").asInt() : Integer.MAX_VALUE;
        if (min > max) throw new UnsupportedSchemaException("minItems", "minItems > maxItems at " + at);
        return new ArrayNode(item, min, max);
    }

    private SchemaNode string(JsonNode s, String at) {
        Automaton chars = null;
        if (s.has("pattern")) chars = Regexes.pattern(s.get("pattern").asText());
        if (s.has("format")) {
            Automaton f = Regexes.format(s.get("format").asText());
            chars = chars == null ? f : chars.intersection(f);
        }
        if (s.has("minLength") || s.has("maxLength")) {
            int min = s.has("minLength") ? s.get("minLength").asInt() : 0;
            int max = s.has("maxLength") ? s.get("maxLength").asInt() : -1;
            if (Math.max(min, max) > MAX_LENGTH_BOUND) {
                throw new UnsupportedSchemaException(min > MAX_LENGTH_BOUND ? "minLength" : "maxLength",
                        "string lengths over " + MAX_LENGTH_BOUND + " (at " + at + ") are not supported");
            }
            Automaton length = max < 0 ? Regexes.BMP_CHAR.repeat(min) : Regexes.BMP_CHAR.repeat(min, max);
            chars = chars == null ? length : chars.intersection(length);
        }
        if (chars != null) {
            chars.minimize();
            if (chars.isEmpty()) throw new UnsupportedSchemaException("pattern", "no string matches the constraints at " + at);
        }
        return new StringNode(chars);
    }

    private SchemaNode number(JsonNode s, boolean integer, String at) {
        BigDecimal lo = decimal(s, "minimum", at), hi = decimal(s, "maximum", at);
        BigDecimal xlo = decimal(s, "exclusiveMinimum", at), xhi = decimal(s, "exclusiveMaximum", at);
        boolean loEx = false, hiEx = false;
        if (xlo != null && (lo == null || xlo.compareTo(lo) >= 0)) {
            lo = xlo;
            loEx = true;
        }
        if (xhi != null && (hi == null || xhi.compareTo(hi) <= 0)) {
            hi = xhi;
            hiEx = true;
        }
        if (lo == null && hi == null) return RawNode.of(integer ? Numbers.integer() : Numbers.any());
        return RawNode.of(Numbers.range(integer, lo, loEx, hi, hiEx));
    }

    private static BigDecimal decimal(JsonNode s, String key, String at) {
        JsonNode v = s.get(key);
        if (v == null) return null;
        if (!v.isNumber()) throw new UnsupportedSchemaException(key, key + " at " + at + " must be a number");
        return v.decimalValue();
    }

    /** Points every {@code $ref} at its (compiled) target; a chain of refs that never reaches a schema is refused. */
    private void resolveRefs() {
        for (int i = 0; i < refs.size(); i++) { // compiling a target may add refs
            Ref r = refs.get(i);
            r.target = byPointer.get(r.pointer);
            if (r.target == null) {
                r.target = node(pointed(r.pointer), r.pointer);
                byPointer.put(r.pointer, r.target);
            }
        }
        for (Ref r : refs) {
            SchemaNode n = r;
            for (int hops = 0; n instanceof Ref ref; hops++) {
                if (hops > refs.size()) throw new UnsupportedSchemaException("$ref", "$ref " + r.pointer + " refers only to itself");
                n = ref.target;
            }
        }
    }

    private JsonNode pointed(String pointer) {
        if (!pointer.startsWith("#")) {
            throw new UnsupportedSchemaException("$ref", "$ref \"" + pointer + "\" is not supported (only local refs such as #/$defs/name)");
        }
        JsonNode n = root.at(pointer.substring(1));
        if (n.isMissingNode()) throw new UnsupportedSchemaException("$ref", "$ref \"" + pointer + "\" points at nothing");
        return n;
    }
}
