package ai.ominix.models.qwen3asr;

import ai.ominix.bench.SyntheticSpeech;
import java.util.List;

/**
 * The test clips ({@link SyntheticSpeech}, the same samples on every JVM) and the golden cases of
 * the reference comparison, defined here once.
 */
public final class TestClips {

    public static final int SAMPLE_RATE = 16_000;

    public enum Clip {
        /** 0.83 s: 83 mel frames, a single encoder chunk (11 audio tokens). */
        SHORT(13_280),
        /** 19.37 s: 1937 frames, 20 chunks with a short tail, 252 audio tokens in 3 attention windows. */
        MULTI(309_920);

        public final int samples;

        Clip(int samples) {
            this.samples = samples;
        }

        public String fileName() {
            return name().toLowerCase(java.util.Locale.ROOT) + ".wav";
        }
    }

    /** One reference comparison: which clip, forced language and context. */
    public record Case(String name, Clip clip, String language, String context) {}

    public static final List<Case> CASES = List.of(
            new Case("short", Clip.SHORT, null, null),
            new Case("multi", Clip.MULTI, null, null),
            new Case("forced", Clip.SHORT, "English", "Glossary: kernel, tensor."));

    private TestClips() {}

    public static short[] pcm(Clip clip) {
        return SyntheticSpeech.pcm(clip.samples, clip.samples);
    }

    /** Samples in [-1, 1) as the audio loader delivers 16-bit PCM. */
    public static float[] samples(Clip clip) {
        return SyntheticSpeech.toFloat(pcm(clip));
    }

    /** A canonical 44-byte-header WAV file of the clip. */
    public static byte[] wav(Clip clip) {
        return SyntheticSpeech.wav(pcm(clip));
    }
}
