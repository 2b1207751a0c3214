package ai.ominix.models.qwen3asr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.audio.LogMel.MelSpectrogram;
import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.models.qwen3asr.TinyQwen3Asr.Variant;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java pipeline against golden files from the independent PyTorch reference
 * ({@code models/src/test/python/qwen3asr_reference.py}, float64): log-mel, encoder output,
 * prompt ids, first-step logits (relative error ≤ 1e-4 in f32) and the first 32 greedy tokens
 * (identical), for a short clip, a multi-chunk clip (3 attention windows) and a forced language
 * with context — on the 8-bit (with a 4-bit override), 4-bit and bf16 tiny checkpoints, the
 * sharded 8-bit one and the original Hugging Face layout, on every backend present.
 */
class Qwen3AsrReferenceTest {

    private static final double REL_TOL = 1e-4;
    private static final double MEL_ABS_TOL = 1e-5;
    private static final int GREEDY_TOKENS = 32;

    @TempDir
    static Path models;

    static Stream<Arguments> variantsAndBackends() {
        return TestBackends.kinds().stream()
                .flatMap(kind -> Stream.of(Variant.values()).map(v -> Arguments.of(kind, v)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variantsAndBackends")
    void matchesTheReference(String backendKind, Variant variant) {
        Path dir = models.resolve(backendKind + "-" + variant.dirName);
        TinyQwen3Asr.write(dir, variant);
        Variant goldenVariant = variant.goldenVariant();
        if (goldenVariant == variant) {
            assertEquals(Golden.load(variant.dirName + "-short").meta("checkpoint_sha256"), TinyQwen3Asr.contentHash(dir),
                    "the tiny checkpoint fixture changed since the goldens were made; run " + Golden.REGENERATE);
        }
        try (Backend backend = TestBackends.open(backendKind);
             Qwen3Asr asr = Qwen3Asr.load(dir, backend, Qwen3Asr.Settings.defaults())) {
            for (TestClips.Case c : TestClips.CASES) {
                check(asr, c, Golden.load("audio-" + c.clip().name().toLowerCase(java.util.Locale.ROOT)),
                        Golden.load(goldenVariant.dirName + "-" + c.name()));
            }
        }
    }

    private static void check(Qwen3Asr asr, TestClips.Case c, Golden audio, Golden golden) {
        String where = asr.directory().getFileName() + "/" + c.name();
        assertEquals(audio.meta("clip_sha256"), TinyQwen3Asr.sha256(TestClips.wav(c.clip())),
                "test clip changed since the goldens were made; run " + Golden.REGENERATE);
        assertEquals(nullToEmpty(c.language()), golden.meta("language"), "case definition changed; run " + Golden.REGENERATE);
        assertEquals(nullToEmpty(c.context()), golden.meta("context"), "case definition changed; run " + Golden.REGENERATE);

        MelSpectrogram mel = asr.features(TestClips.samples(c.clip()));
        assertEquals(Integer.parseInt(audio.meta("frames")), mel.frames(), where + " mel frames");
        int[] frames = audio.ints("mel_frames");
        float[] expectedMel = audio.floats("mel");
        double melErr = 0;
        for (int m = 0; m < mel.nMels(); m++) {
            for (int j = 0; j < frames.length; j++) {
                melErr = Math.max(melErr, Math.abs(mel.get(m, frames[j]) - expectedMel[m * frames.length + j]));
            }
        }
        assertTrue(melErr <= MEL_ABS_TOL, where + " mel max |error| " + melErr);

        Cancellation none = Cancellation.none();
        try (Scope s = Scope.open()) {
            Tensor encoded = asr.encode(mel, none);
            assertArrayEquals(audio.shapes().get("encoder"), encoded.shape(), where + " encoder shape");
            double encErr = Golden.relativeError(asr.backend().toFloatArray(encoded), audio.floats("encoder"));
            assertTrue(encErr <= REL_TOL, where + " encoder relative error " + encErr);

            Prompt prompt = asr.prompt(encoded.dim(0), c.context(), c.language());
            assertArrayEquals(golden.ints("prompt"), prompt.ids(), where + " prompt ids");

            double logitErr = Golden.relativeError(asr.firstStepLogits(encoded, prompt, none), golden.floats("logits"));
            assertTrue(logitErr <= REL_TOL, where + " first-step logits relative error " + logitErr);

            Qwen3Asr.Generated out = asr.generate(encoded, prompt, GREEDY_TOKENS, none);
            assertArrayEquals(golden.ints("tokens"), out.tokens(), where + " greedy tokens");

            OutputParser.Parsed parsed = OutputParser.parse(asr.tokenizer().decode(out.tokens(), true), c.language());
            assertEquals(golden.meta("raw"), asr.tokenizer().decode(out.tokens(), true), where + " decoded text");
            assertEquals(golden.meta("parsed_language"), parsed.language(), where + " language");
            assertEquals(golden.meta("parsed_text"), parsed.text(), where + " text");
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
