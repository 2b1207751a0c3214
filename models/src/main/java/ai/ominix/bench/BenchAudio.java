package ai.ominix.bench;

import ai.ominix.audio.AudioLoader;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The clip a speech benchmark transcribes: a file decoded by the real loader, or deterministic
 * speech-like sound (a harmonic voice with a syllable envelope and a little noise). Speed does not
 * depend on what is said: the encoder's work is set by the length, the decoder's by the token counts.
 */
public record BenchAudio(String source, float[] samples) {

    public static BenchAudio file(Path file) {
        return new BenchAudio(file.toString(), AudioLoader.load16kMono(file));
    }

    public static BenchAudio synthetic(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException("audio length must be positive, got " + seconds + " s");
        int n = (int) Math.round(seconds * AudioLoader.SAMPLE_RATE);
        SplittableRandom noise = new SplittableRandom(17);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) AudioLoader.SAMPLE_RATE;
            double pitch = 2 * Math.PI * (130 * t + 8 * Math.sin(2 * Math.PI * 0.5 * t));
            double voice = Math.sin(pitch) + 0.5 * Math.sin(2 * pitch) + 0.25 * Math.sin(3 * pitch);
            double syllables = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
            x[i] = (float) (0.2 * syllables * voice + 0.005 * (noise.nextDouble() * 2 - 1));
        }
        return new BenchAudio("synthetic", x);
    }

    public double seconds() {
        return samples.length / (double) AudioLoader.SAMPLE_RATE;
    }
}
