package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java model against the independent float64 PyTorch reference
 * ({@code models/src/test/python/sala_reference.py}): greedy tokens identical and logits within
 * 1e-4 relative (max |Δ| over the vocabulary ≤ 1e-4 · max |reference|) after every forward call,
 * on the tiny checkpoints {@link TinySala} writes.
 *
 * <p>The goldens are regenerated (after a change of the fixture or the cases) with
 * <pre>
 * mvn -q -B -pl models -am test -Dtest=SalaGoldenExport -Dsurefire.failIfNoSpecifiedTests=false -Dsala.golden.dir=/tmp/sala-golden
 * for f in q8 q4 bf16 q8_quantized_embedding; do
 *   /usr/bin/python3 models/src/test/python/sala_reference.py /tmp/sala-golden/$f /tmp/sala-golden/$f/cases.json \
 *       models/src/test/resources/ai/ominix/models/sala/golden/$f.json
 * done
 * </pre>
 * Each golden names the SHA-256 of the checkpoint it came from; this test writes the checkpoint
 * again and fails if it differs, so CI never needs torch.
 */
class SalaGoldenTest {

    static final double TOLERANCE = 1e-4;
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = Backends.open("cpu", 2);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @ParameterizedTest
    @EnumSource(TinySala.Format.class)
    void matchesTheReference(TinySala.Format format, @TempDir Path dir) throws IOException {
        JsonNode golden = golden(format);
        TinySala.Written w = TinySala.write(dir, format, false);
        assertEquals(golden.get("checkpoint_sha256").asText(), contentHash(dir),
                "the fixture no longer writes the checkpoint the goldens came from: regenerate them (see class comment)");
        Tokenizer tok = Tokenizers.load(dir);
        List<SalaGoldenCases> cases = format == TinySala.Format.Q8 ? SalaGoldenCases.full(tok, w) : SalaGoldenCases.small(tok, w);
        assertEquals(cases.size(), golden.get("cases").size(), "cases changed: regenerate the goldens");
        try (SalaModel model = SalaModel.load(dir, backend)) {
            for (int i = 0; i < cases.size(); i++) {
                SalaGoldenCases c = cases.get(i);
                JsonNode g = golden.get("cases").get(i);
                assertEquals(c.name(), g.get("name").asText());
                assertEquals(SalaGoldenCases.boxed(c.prompt()), ints(g.get("prompt")), c.name() + ": prompt ids changed");
                assertEquals(SalaGoldenCases.boxed(c.calls()), ints(g.get("calls")), c.name() + ": calls changed");
                Run run = run(model, c);
                assertEquals(ints(g.get("tokens")), run.tokens, c.name() + ": greedy tokens");
                assertEquals(g.get("logits").size(), run.logits.size(), c.name());
                for (int s = 0; s < run.logits.size(); s++) {
                    assertClose(decode(g.get("logits").get(s).asText()), run.logits.get(s), c.name() + " step " + s);
                }
            }
        }
        if (format == TinySala.Format.Q8) {
            JsonNode stats = find(golden, "repetitive_ties").get("stats");
            assertTrue(stats.get("boundary_ties").asInt() > 0, "the repetitive case must exercise the tie rule");
            assertTrue(find(golden, "sparse_600").get("stats").get("pruned_queries").asInt() > 0,
                    "the 600-token case must prune blocks");
        }
    }

    /** What a case produced: generated tokens and the logits after the prompt's last call and each decode call. */
    record Run(List<Integer> tokens, List<float[]> logits) {}

    /** Prefill through the case's calls, then greedy for max_new_tokens (EOS included: this tests the model). */
    static Run run(SalaModel model, SalaGoldenCases c) {
        List<float[]> logits = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        try (SalaState state = model.newState()) {
            int pos = 0;
            float[] last = null;
            for (int size : c.calls()) {
                int[] part = java.util.Arrays.copyOfRange(c.prompt(), pos, pos + size);
                last = model.forwardLogits(part, state);
                pos += size;
            }
            logits.add(last);
            while (tokens.size() < c.maxNewTokens()) {
                int next = ai.ominix.generate.Sampler.argmax(last);
                tokens.add(next);
                if (tokens.size() == c.maxNewTokens()) break;
                last = model.forwardLogits(new int[] {next}, state);
                logits.add(last);
            }
        }
        return new Run(tokens, logits);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": vocabulary size");
        double max = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= TOLERANCE * max, what + ": max |Δ| " + diff + " > " + TOLERANCE + " · " + max);
    }

    static JsonNode golden(TinySala.Format format) throws IOException {
        String name = "golden/" + format.name().toLowerCase() + ".json";
        try (InputStream in = SalaGoldenTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new ObjectMapper().readTree(in);
        }
    }

    private static JsonNode find(JsonNode golden, String name) {
        for (JsonNode c : golden.get("cases")) if (c.get("name").asText().equals(name)) return c;
        throw new IllegalStateException("no golden case " + name);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    static float[] decode(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** The reference's {@code content_hash}: config.json, the index (if any) and the weight files, in that order. */
    static String contentHash(Path dir) throws IOException {
        List<String> names = new ArrayList<>(List.of("config.json"));
        if (Files.exists(dir.resolve("model.safetensors.index.json"))) {
            names.add("model.safetensors.index.json");
            SalaWeights.files(dir).forEach(p -> names.add(p.getFileName().toString()));
        } else {
            names.add("model.safetensors");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String n : names) {
                byte[] data = Files.readAllBytes(dir.resolve(n));
                sha.update((n + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array());
                sha.update(data);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
