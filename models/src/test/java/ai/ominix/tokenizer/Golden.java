package ai.ominix.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Golden encodings/decodings produced by transformers.js ({@code src/test/tokenizer-golden/generate.mjs}). */
record Golden(List<Case> cases, List<PrefixDecode> prefixDecodes) {

    /** @param idsWithSpecial null when the golden file has no BOS/EOS variant */
    record Case(String text, int[] ids, int[] idsWithSpecial, String decoded, String decodedSkip) {}

    record PrefixDecode(int[] ids, String decoded) {}

    static final Path DIR = Path.of("src", "test", "tokenizer-golden");

    static Golden read(String file) {
        try {
            JsonNode root = new ObjectMapper().readTree(DIR.resolve(file).toFile());
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.path("cases")) {
                cases.add(new Case(c.get("text").asText(), ints(c.get("ids")),
                        c.has("idsWithSpecial") ? ints(c.get("idsWithSpecial")) : null,
                        c.get("decoded").asText(), c.get("decodedSkip").asText()));
            }
            List<PrefixDecode> prefixes = new ArrayList<>();
            for (JsonNode c : root.path("prefixDecodes")) prefixes.add(new PrefixDecode(ints(c.get("ids")), c.get("decoded").asText()));
            return new Golden(cases, prefixes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The cases whose ids from {@code encode} differ from the reference ids {@code expected} picks,
     * each with both id lists; empty when all match.
     */
    List<String> encodingMismatches(Function<String, int[]> encode, Function<Case, int[]> expected) {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            int[] ids = encode.apply(c.text());
            if (!Arrays.equals(expected.apply(c), ids)) {
                failures.add(c.text().replace("\n", "\\n") + "\n  expected " + Arrays.toString(expected.apply(c))
                        + "\n  actual   " + Arrays.toString(ids));
            }
        }
        return failures;
    }

    /** Every case's reference ids decode to the reference text, special tokens kept and skipped. */
    void assertDecodes(Tokenizer tok) {
        for (Case c : cases) {
            assertEquals(c.decoded(), tok.decode(c.ids(), false), c.text());
            assertEquals(c.decodedSkip(), tok.decode(c.ids(), true), c.text());
        }
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
        return out;
    }
}
