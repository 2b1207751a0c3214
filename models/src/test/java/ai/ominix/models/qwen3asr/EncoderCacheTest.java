package ai.ominix.models.qwen3asr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clip transcribed again with other options reuses its encoder output and answers as a cold run. */
class EncoderCacheTest {
    @TempDir
    Path tmp;

    @Test
    void theSecondTranscriptionOfAClipSkipsTheEncoderAndMatchesACold() {
        Path dir = TinyQwen3Asr.write(tmp.resolve("tiny"), TinyQwen3Asr.Variant.Q8);
        float[] clip = TestClips.samples(TestClips.Clip.SHORT);
        try (Backend backend = TestBackends.open("cpu");
             Qwen3Asr cached = Qwen3Asr.load(dir, backend, Qwen3Asr.Settings.serving());
             Qwen3Asr cold = Qwen3Asr.load(dir, backend, Qwen3Asr.Settings.defaults())) {
            var first = cached.transcribe(clip, null, null, Cancellation.none(), null);
            assertEquals(cold.transcribe(clip, null, null, Cancellation.none(), null), first);
            assertEquals(0, cached.encoderCacheHits());
            var again = cached.transcribe(clip, "English", "A short test clip.", Cancellation.none(), null);
            assertEquals(1, cached.encoderCacheHits(), "the encoder ran once for both");
            assertEquals(cold.transcribe(clip, "English", "A short test clip.", Cancellation.none(), null), again);
            float[] other = clip.clone();
            other[other.length / 2] += 1e-3f;
            cached.transcribe(other, null, null, Cancellation.none(), null);
            assertEquals(1, cached.encoderCacheHits(), "one changed sample is another clip");
        }
    }
}
