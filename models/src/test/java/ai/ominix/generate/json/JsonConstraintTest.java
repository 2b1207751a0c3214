package ai.ominix.generate.json;

import ai.ominix.generate.TokenConstraint;
import ai.ominix.tokenizer.NpmTokenizerFiles;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Constrained decoding over real vocabularies (Qwen3's byte-level BPE, Llama 2's SentencePiece
 * with byte fallback) and the tiny MiniCPM one: random logits, masked, sampled; every document
 * of the corpus must end, parse and validate with a maintained validator.
 */
class JsonConstraintTest {
    @TempDir
    static Path tmp;

    private static Tokenizer tokenizer(String which) {
        return switch (which) {
            case "tiny-minicpm" -> {
                Path dir = tmp.resolve("minicpm");
                TinyTokenizerFiles.writeMiniCpm(dir);
                yield Tokenizers.load(dir);
            }
            case "llama2" -> Tokenizers.load(NpmTokenizerFiles.modelsDir(NpmTokenizerFiles.LLAMA2));
            default -> Tokenizers.load(NpmTokenizerFiles.modelsDir(NpmTokenizerFiles.QWEN3));
        };
    }

    private static int[] ends(Tokenizer tok) {
        return new int[] {tok.eosId().orElseThrow()};
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-minicpm", "llama2", "qwen3"})
    void everyCorpusDocumentEndsParsesAndValidates(String which) throws Exception {
        Tokenizer tok = tokenizer(which);
        TokenTrie trie = TokenTrie.of(tok, id -> false);
        RandomJsonModel model = new RandomJsonModel(tok, ends(tok), 3f);
        List<String> failures = new ArrayList<>();
        int tokens = 0;
        long t0 = System.nanoTime();
        for (StructuredCorpus.Entry e : StructuredCorpus.schemas()) {
            JsonGrammar g = JsonGrammar.schema(e.schema(), trie);
            for (long seed = 1; seed <= 2; seed++) {
                RandomJsonModel.Sample s = model.generate(g.constraint(ends(tok)), seed * 7919 + e.name().hashCode(), 4000);
                tokens += s.tokens();
                if (!s.ended()) {
                    failures.add(e.name() + " seed " + seed + ": did not end in 4000 tokens: " + s.text());
                    continue;
                }
                try {
                    StructuredCorpus.parse(s.text());
                } catch (Exception x) {
                    failures.add(e.name() + " seed " + seed + ": does not parse: " + s.text() + " (" + x.getMessage() + ")");
                    continue;
                }
                List<String> v = StructuredCorpus.violations(e.schema(), s.text());
                if (!v.isEmpty()) failures.add(e.name() + " seed " + seed + ": " + v + " in " + s.text());
            }
        }
        System.out.printf("%s: %d documents, %d tokens, %.1f s%n", which, 2 * StructuredCorpus.schemas().size(), tokens,
                (System.nanoTime() - t0) / 1e9);
        if (!failures.isEmpty()) fail(failures.size() + " failures:\n" + String.join("\n", failures));
    }

    @Test
    void theMaskIsExactlyTheTokensThatContinueTheDocument() {
        Tokenizer tok = tokenizer("tiny-minicpm");
        TokenTrie trie = TokenTrie.of(tok, id -> false);
        for (String name : List.of("calendar-event", "unicode-keys", "any-of-shapes", "pattern-code", "free-object")) {
            String schema = StructuredCorpus.schemas().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().schema();
            JsonGrammar g = JsonGrammar.schema(schema, trie);
            JsonMatcher.State state = JsonMatcher.start(SchemaCompiler.compile(schema));
            SplittableRandom rnd = new SplittableRandom(name.hashCode());
            for (int step = 0; step < 60 && !JsonMatcher.finished(state); step++) {
                long[] mask = g.mask(state);
                List<Integer> allowed = new ArrayList<>();
                for (int id = 0; id < tok.vocabSize(); id++) {
                    byte[] b = trie.spelling(id);
                    boolean continues = b != null && !JsonMatcher.step(state, b).dead();
                    boolean masked = (mask[id >>> 6] & (1L << id)) != 0;
                    assertEquals(continues, masked, name + " step " + step + " token " + id + " " + tok.tokenString(id));
                    if (continues) allowed.add(id);
                }
                if (allowed.isEmpty()) break;
                state = JsonMatcher.step(state, trie.spelling(allowed.get(rnd.nextInt(allowed.size()))));
            }
        }
    }

    @Test
    void endTokensOnlyOnceTheDocumentIsComplete() {
        Tokenizer tok = tokenizer("tiny-minicpm");
        TokenTrie trie = TokenTrie.of(tok, id -> false);
        int eos = ends(tok)[0];
        TokenConstraint c = JsonGrammar.anyObject(trie).constraint(new int[] {eos});
        float[] logits = new float[tok.vocabSize()];
        c.mask(logits);
        assertEquals(Float.NEGATIVE_INFINITY, logits[eos], "no end before the document");
        assertThrows(IllegalStateException.class, () -> c.accept(eos));
        for (int t : tok.encode("{\"a\": [1, \"x\"]}")) c.accept(t);
        assertTrue(c.complete());
        logits = new float[tok.vocabSize()];
        c.mask(logits);
        assertEquals(0f, logits[eos]);
        assertTrue(c.finished(), "nothing may follow the closing brace");
        TokenConstraint copy = c.copy();
        copy.accept(eos);
        int close = tok.encode("}")[0];
        assertThrows(IllegalStateException.class, () -> c.accept(close));
    }

    @Test
    void aJsonObjectMustBeAnObject() {
        Tokenizer tok = tokenizer("tiny-minicpm");
        TokenTrie trie = TokenTrie.of(tok, id -> false);
        TokenConstraint c = JsonGrammar.anyObject(trie).constraint(ends(tok));
        for (String notAnObject : List.of("[]", "1", "\"a\"", "null")) {
            TokenConstraint fresh = c.copy();
            assertThrows(IllegalStateException.class, () -> {
                for (int t : tok.encode(notAnObject)) fresh.accept(t);
            }, notAnObject);
        }
        for (int t : tok.encode("{")) c.accept(t);
        assertFalse(c.complete());
    }

    @Test
    void toolCallsNameADeclaredFunctionWithArgumentsOfItsSchema() throws Exception {
        Tokenizer tok = tokenizer("llama2");
        TokenTrie trie = TokenTrie.of(tok, id -> false);
        String weather = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":20}},\"required\":[\"city\"],\"additionalProperties\":false}";
        String add = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}";
        JsonGrammar g = JsonGrammar.toolCall(List.of(new ai.ominix.engine.OutputFormat.Tool("get_weather", "", weather),
                new ai.ominix.engine.OutputFormat.Tool("add", "", add), new ai.ominix.engine.OutputFormat.Tool("now", "", null)), trie);
        RandomJsonModel model = new RandomJsonModel(tok, ends(tok), 3f);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (long seed = 0; seed < 12; seed++) {
            RandomJsonModel.Sample s = model.generate(g.constraint(ends(tok)), seed, 2000);
            assertTrue(s.ended(), s.text());
            var call = StructuredCorpus.parse(s.text());
            String name = call.get("name").asText();
            names.add(name);
            String schema = switch (name) {
                case "get_weather" -> weather;
                case "add" -> add;
                case "now" -> "{\"type\":\"object\",\"additionalProperties\":false}";
                default -> throw new AssertionError("undeclared function " + name);
            };
            assertEquals(List.of(), StructuredCorpus.violations(schema, call.get("arguments").toString()), s.text());
        }
        assertTrue(names.size() >= 2, "the name is the model's choice: " + names);
    }

    @Test
    void unsupportedKeywordsAreNamed() {
        Tokenizer tok = tokenizer("tiny-minicpm");
        TokenTrie trie = TokenTrie.of(tok, id -> false);
        for (String[] c : new String[][] {
                {"{\"type\":\"object\",\"patternProperties\":{\"^a\":{}}}", "patternProperties"},
                {"{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "oneOf"},
                {"{\"type\":\"number\",\"multipleOf\":3}", "multipleOf"},
                {"{\"type\":\"string\",\"pattern\":\"(?=a)b\"}", "pattern"},
                {"{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}", "pattern"},
                {"{\"type\":\"string\",\"format\":\"uri\"}", "format"},
                {"{\"type\":\"array\",\"uniqueItems\":true}", "uniqueItems"},
                {"{\"$ref\":\"https://example.com/s.json\"}", "$ref"},
                {"{\"$ref\":\"#/$defs/missing\"}", "$ref"},
                {"{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}", "minimum"},
                {"{\"not\":{\"type\":\"null\"}}", "not"},
                {"{\"allOf\":[{\"type\":\"string\"},{\"maxLength\":3}]}", "allOf"},
                {"not json", "schema"}}) {
            UnsupportedSchemaException e = assertThrows(UnsupportedSchemaException.class, () -> JsonGrammar.schema(c[0], trie), c[0]);
            assertEquals(c[1], e.keyword(), c[0] + " → " + e.getMessage());
            assertTrue(e.getMessage().contains(c[1]) || c[1].equals("schema"), e.getMessage());
        }
    }
}
