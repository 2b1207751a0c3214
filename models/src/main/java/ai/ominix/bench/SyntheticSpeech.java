package ai.ominix.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic speech-like audio for tests and benchmarks: a voice gliding around 140 Hz with five
 * harmonics and moving formant weights, a 3.7 Hz syllable envelope, a pause every 3 s and a little
 * noise, as 16 kHz 16-bit PCM. {@link StrictMath} makes the samples identical on every JVM, so
 * files generated from it can be compared by hash.
 */
public final class SyntheticSpeech {

    public static final int SAMPLE_RATE = 16_000;

    private SyntheticSpeech() {}

    /** {@code samples} PCM values; the noise is seeded by {@code seed}. */
    public static short[] pcm(int samples, long seed) {
        SplittableRandom noise = new SplittableRandom(seed);
        short[] out = new short[samples];
        for (int n = 0; n < samples; n++) {
            double t = n / (double) SAMPLE_RATE;
            // pitch 140 Hz ± 30 Hz; the phase is its integral
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
    public static float[] toFloat(short[] pcm) {
        float[] x = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) x[i] = pcm[i] / 32768f;
        return x;
    }

    /** A canonical 44-byte-header mono 16 kHz WAV file. */
    public static byte[] wav(short[] pcm) {
        ByteBuffer b = ByteBuffer.allocate(44 + pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length * 2)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length * 2);
        for (short s : pcm) b.putShort(s);
        return b.array();
    }
}
