package ai.ominix.models.qwen3asr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic speech-like test audio (a gliding harmonic voice with syllable envelope, pauses
 * and a little noise) as 16 kHz 16-bit PCM, the same samples on every JVM ({@link StrictMath}).
 * The golden cases of the reference comparison are defined here once.
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
        SplittableRandom noise = new SplittableRandom(clip.samples);
        short[] out = new short[clip.samples];
        for (int n = 0; n < clip.samples; n++) {
            double t = n / (double) SAMPLE_RATE;
            // pitch 140 Hz ± 30 Hz; phase is its integral
            double phase = 140 * t - 30 / (2 * StrictMath.PI * 0.7) * StrictMath.cos(2 * StrictMath.PI * 0.7 * t);
            double voice = 0;
            for (int h = 1; h <= 5; h++) {
                double formant = 0.6 + 0.4 * StrictMath.sin(2 * StrictMath.PI * (0.9 + 0.3 * h) * t);
                voice += formant / h * StrictMath.sin(2 * StrictMath.PI * h * phase);
            }
            double syllable = StrictMath.pow(StrictMath.max(0, StrictMath.sin(2 * StrictMath.PI * 3.7 * t)), 2);
            double pause = (t % 3.0) > 2.6 ? 0.02 : 1.0;
            double x = 0.3 * syllable * pause * voice + 0.01 * (noise.nextDouble() * 2 - 1);
            out[n] = (short) StrictMath.max(-32768, StrictMath.min(32767, StrictMath.round(x * 32767)));
        }
        return out;
    }

    /** Samples in [-1, 1) as the audio loader delivers 16-bit PCM. */
    public static float[] samples(Clip clip) {
        short[] p = pcm(clip);
        float[] x = new float[p.length];
        for (int i = 0; i < p.length; i++) x[i] = p[i] / 32768f;
        return x;
    }

    /** A canonical 44-byte-header WAV file of the clip. */
    public static byte[] wav(Clip clip) {
        short[] p = pcm(clip);
        ByteBuffer b = ByteBuffer.allocate(44 + p.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + p.length * 2)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(p.length * 2);
        for (short s : p) b.putShort(s);
        return b.array();
    }
}
