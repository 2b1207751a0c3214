package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.DType;
import ai.ominix.weights.SafetensorsFile;
import ai.ominix.weights.SafetensorsHeader;
import ai.ominix.weights.SafetensorsWriter;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading variants and the forward-call contract on the tiny checkpoint (the numbers are checked by {@link SalaGoldenTest}). */
class SalaModelTest {

    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = Backends.open("cpu", 2);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void shardedCheckpointGivesTheSameLogits(@TempDir Path single, @TempDir Path sharded) {
        TinySala.Written w = TinySala.write(single, TinySala.Format.Q8, false);
        TinySala.write(sharded, TinySala.Format.Q8, true);
        assertTrue(Files.exists(sharded.resolve("model.safetensors.index.json")));
        int[] prompt = SalaGoldenCases.random(w, 40, 9);
        try (SalaModel a = SalaModel.load(single, backend); SalaModel b = SalaModel.load(sharded, backend);
             SalaState sa = a.newState(); SalaState sb = b.newState()) {
            assertArrayEquals(a.forwardLogits(prompt, sa), b.forwardLogits(prompt, sb));
        }
    }

    /**
     * Continuous batching: one decode call over several sequences (each at its own position, one of
     * them past dense_len, so sparse and dense layers mix in a step) gives every sequence the logits
     * it gets decoding alone, bit for bit, in every weight format; order in the batch does not matter.
     */
    @Test
    void aBatchedDecodeStepGivesEachSequenceTheLogitsItGetsAlone(@TempDir Path dir) {
        for (TinySala.Format format : new TinySala.Format[] {TinySala.Format.Q8, TinySala.Format.Q4, TinySala.Format.BF16}) {
            Path d = dir.resolve(format.name());
            TinySala.Written w = TinySala.write(d, format, false);
            int[] lengths = {40, 1, 600, 77, 130};
            try (SalaModel model = SalaModel.load(d, backend)) {
                SalaState[] alone = new SalaState[lengths.length], batched = new SalaState[lengths.length];
                try {
                    for (int i = 0; i < lengths.length; i++) {
                        int[] prompt = SalaGoldenCases.random(w, lengths[i], 30 + i);
                        alone[i] = model.newState();
                        batched[i] = model.newState();
                        model.forwardLogits(prompt, alone[i]);
                        model.forwardLogits(prompt, batched[i]);
                    }
                    java.util.Random r = new java.util.Random(7);
                    for (int step = 0; step < 4; step++) {
                        int n = step == 3 ? 2 : lengths.length;          // a smaller batch: sequences leave
                        int[] tokens = new int[n];
                        SalaState[] states = new SalaState[n];
                        for (int i = 0; i < n; i++) {
                            int at = (i + step) % n;                      // a different order each step
                            tokens[i] = r.nextInt(w.vocabSize());
                            states[i] = batched[at];
                        }
                        float[] rows;
                        try (ai.ominix.kernel.Scope s = ai.ominix.kernel.Scope.open()) {
                            rows = backend.toFloatArray(model.decode(tokens, states));
                        }
                        int vocab = rows.length / n;
                        for (int i = 0; i < n; i++) {
                            int at = (i + step) % n;
                            float[] want = model.forwardLogits(new int[] {tokens[i]}, alone[at]);
                            assertArrayEquals(want, Arrays.copyOfRange(rows, i * vocab, (i + 1) * vocab),
                                    format + ", step " + step + ", sequence " + at + " at position " + states[i].length());
                        }
                    }
                } finally {
                    for (SalaState s : alone) if (s != null) s.close();
                    for (SalaState s : batched) if (s != null) s.close();
                }
            }
        }
    }

    /** §4.3: in the dense regime, and once N ≥ dense_len, splitting the prompt into calls changes nothing. */
    @Test
    void prefillAtOnceEqualsPrefillThenDecode(@TempDir Path dir) {
        TinySala.Written w = TinySala.write(dir, TinySala.Format.Q8, false);
        try (SalaModel model = SalaModel.load(dir, backend)) {
            int[] dense = SalaGoldenCases.random(w, 150, 4);               // 3 lightning chunks, the last partial
            assertClose(logits(model, dense, dense.length), logits(model, dense, 1));
            assertClose(logits(model, dense, dense.length), logits(model, dense, 7));
            int[] sparse = SalaGoldenCases.random(w, 600, 5);
            float[] atOnce = logits(model, sparse, sparse.length);
            try (SalaState s = model.newState()) {                         // first call already reaches dense_len
                model.forwardLogits(Arrays.copyOf(sparse, 512), s);
                float[] last = null;
                for (int i = 512; i < sparse.length; i++) last = model.forwardLogits(new int[] {sparse[i]}, s);
                assertClose(atOnce, last);
                assertEquals(600, s.length());
            }
        }
    }

    /** The dense/sparse switch is per call (§4.2): a 511-token prefill is dense where a 600-token one is sparse. */
    @Test
    void theSparseRegimeDependsOnTheCallLength(@TempDir Path dir) {
        TinySala.Written w = TinySala.write(dir, TinySala.Format.Q8, false);
        try (SalaModel model = SalaModel.load(dir, backend)) {
            int[] prompt = SalaGoldenCases.random(w, 600, 6);
            float[] sparse = logits(model, prompt, prompt.length);
            float[] denseThenSparse;
            try (SalaState s = model.newState()) {
                model.forwardLogits(Arrays.copyOf(prompt, 500), s);
                denseThenSparse = model.forwardLogits(Arrays.copyOfRange(prompt, 500, 600), s);
            }
            double diff = 0;
            for (int i = 0; i < sparse.length; i++) diff = Math.max(diff, Math.abs(sparse[i] - denseThenSparse[i]));
            assertTrue(diff > 1e-3, "positions 384..499 saw pruned context in one run and full context in the other");
        }
    }

    @Test
    void missingAndUnexpectedTensorsAreListed(@TempDir Path dir) throws IOException {
        TinySala.Written w = TinySala.write(dir, TinySala.Format.BF16, false);
        Path file = dir.resolve("model.safetensors");
        try (SalaModel m = SalaModel.load(dir, backend)) {
            assertEquals(w.vocabSize(), m.config().vocabSize());
        }
        // rewrite the file without one norm and with an extra tensor
        SafetensorsWriter out = new SafetensorsWriter().metadata("format", "mlx");
        try (SafetensorsFile reader = SafetensorsFile.open(file)) {
            for (String name : reader.names()) {
                if (name.equals("model.layers.1.self_attn.k_norm.weight")) continue;
                SafetensorsHeader.Entry e = reader.entry(name);
                out.add(name, e.dtype(), e.shape(), reader.data(name).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        out.add("model.layers.0.self_attn.rotary_emb.inv_freq", DType.F32, new float[16], 16);
        out.write(file);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SalaModel.load(dir, backend));
        assertTrue(e.getMessage().contains("model.layers.1.self_attn.k_norm.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("rotary_emb.inv_freq"), e.getMessage());
    }

    /** No tensor outlives its step: decoding holds memory flat, and closing the state frees everything. */
    @Test
    void decodingDoesNotLeakNativeMemory(@TempDir Path dir) {
        TinySala.Written w = TinySala.write(dir, TinySala.Format.Q8, false);
        try (SalaModel model = SalaModel.load(dir, backend)) {
            long before = backend.memoryStats().activeBytes();
            for (int request = 0; request < 2; request++) {
                try (SalaState s = model.newState()) {
                    float[] logits = model.forwardLogits(SalaGoldenCases.random(w, 100, request), s);
                    long[] active = new long[120];
                    for (int step = 0; step < active.length; step++) {
                        logits = model.forwardLogits(new int[] {ai.ominix.generate.Sampler.argmax(logits)}, s);
                        active[step] = backend.memoryStats().activeBytes();
                    }
                    // the KV caches hold 256 positions from the start, so nothing may grow while decoding
                    assertEquals(active[0], active[active.length - 1], "native bytes grew while decoding");
                }
                assertEquals(before, backend.memoryStats().activeBytes(), "a closed state must release everything");
            }
        }
    }

    private static float[] logits(SalaModel model, int[] prompt, int callSize) {
        try (SalaState s = model.newState()) {
            float[] last = null;
            for (int i = 0; i < prompt.length; i += callSize) {
                last = model.forwardLogits(Arrays.copyOfRange(prompt, i, Math.min(prompt.length, i + callSize)), s);
            }
            return last;
        }
    }

    private static void assertClose(float[] expected, float[] actual) {
        SalaGoldenTest.assertClose(expected, actual, "logits");
        double max = 0, diff = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= 1e-5 * max, "prefill forms differ by " + diff);
    }
}
