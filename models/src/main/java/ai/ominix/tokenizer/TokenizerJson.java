package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Hugging Face {@code tokenizer.json} we use. The vocabulary and merges (the
 * bulk of an 11 MB file) are read with Jackson's streaming parser straight into their final
 * collections; the small pipeline sections are kept as trees.
 *
 * @param vocab       model vocabulary, token → id
 * @param merges      flattened merge pairs (2 strings per rank)
 * @param model       the {@code model} section without vocab and merges (type, byte_fallback, ...)
 * @param addedTokens the {@code added_tokens} section
 */
record TokenizerJson(Map<String, Integer> vocab, String[] merges, ObjectNode model, List<AddedToken> addedTokens,
                     JsonNode normalizer, JsonNode preTokenizer, JsonNode postProcessor, JsonNode decoder) {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** 150k distinct vocabulary keys would only churn Jackson's field-name symbol table. */
    private static final JsonFactory STREAMING = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    static TokenizerJson read(Path file) {
        try (JsonParser p = STREAMING.createParser(file.toFile())) {
            return read(p);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ModelLoadException) throw new ModelLoadException(file + ": " + e.getMessage(), e);
            throw new ModelLoadException("malformed " + file + ": " + e, e);
        }
    }

    private static TokenizerJson read(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT, "top level");
        Map<String, Integer> vocab = null;
        List<String> merges = new ArrayList<>();
        ObjectNode model = JsonNodeFactory.instance.objectNode();
        List<AddedToken> added = new ArrayList<>();
        JsonNode normalizer = null, preTokenizer = null, postProcessor = null, decoder = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "model" -> {
                    expect(p.currentToken(), JsonToken.START_OBJECT, "model");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        p.nextToken();
                        switch (key) {
                            case "vocab" -> vocab = readVocab(p);
                            case "merges" -> readMerges(p, merges);
                            default -> model.set(key, MAPPER.readTree(p));
                        }
                    }
                }
                case "added_tokens" -> {
                    JsonNode list = MAPPER.readTree(p);
                    for (JsonNode t : list) added.add(addedToken(t.path("id").asInt(-1), t));
                }
                case "normalizer" -> normalizer = MAPPER.readTree(p);
                case "pre_tokenizer" -> preTokenizer = MAPPER.readTree(p);
                case "post_processor" -> postProcessor = MAPPER.readTree(p);
                case "decoder" -> decoder = MAPPER.readTree(p);
                default -> p.skipChildren();
            }
        }
        if (vocab == null) throw new ModelLoadException("no model.vocab");
        return new TokenizerJson(vocab, merges.toArray(String[]::new), model, added,
                normalizer, preTokenizer, postProcessor, decoder);
    }

    private static Map<String, Integer> readVocab(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT, "model.vocab (a WordPiece/Unigram list is not BPE)");
        Map<String, Integer> vocab = new HashMap<>(1 << 18);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            p.nextToken();
            vocab.put(token, p.getIntValue());
        }
        return vocab;
    }

    /** Merges are either "a b" strings (older files) or ["a", "b"] pairs (tokenizers ≥ 0.20). */
    private static void readMerges(JsonParser p, List<String> out) throws IOException {
        expect(p.currentToken(), JsonToken.START_ARRAY, "model.merges");
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                addMergeLine(p.getText(), out);
            } else if (t == JsonToken.START_ARRAY) {
                p.nextToken();
                String a = p.getText();
                p.nextToken();
                String b = p.getText();
                expect(p.nextToken(), JsonToken.END_ARRAY, "a merge pair");
                out.add(a);
                out.add(b);
            } else {
                throw new ModelLoadException("unexpected " + t + " in model.merges");
            }
        }
    }

    /** One "a b" merge line (merges.txt or an old-style tokenizer.json). */
    static void addMergeLine(String line, List<String> out) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
            throw new ModelLoadException("malformed merge '" + line + "' (expected two tokens separated by one space)");
        }
        out.add(line.substring(0, space));
        out.add(line.substring(space + 1));
    }

    static AddedToken addedToken(int id, JsonNode t) {
        if (!t.path("content").isTextual()) throw new ModelLoadException("added token " + id + " without content");
        return new AddedToken(id, t.get("content").asText(), t.path("special").asBoolean(false),
                t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false),
                t.path("single_word").asBoolean(false), t.path("normalized").asBoolean(false));
    }

    private static void expect(JsonToken actual, JsonToken expected, String where) {
        if (actual != expected) throw new ModelLoadException("expected " + expected + " at " + where + ", found " + actual);
    }
}
