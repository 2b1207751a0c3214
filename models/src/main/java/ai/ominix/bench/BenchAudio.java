package ai.ominix.bench;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioLoader;
import java.nio.file.Path;

/**
 * The clip a speech benchmark transcribes: a file decoded by the real loader, or deterministic
 * speech-like sound ({@link SyntheticSpeech}). Speed does not depend on what is said: the
 * encoder's work is set by the length, the decoder's by the token counts.
 */
public record BenchAudio(String source, float[] samples) {

    /** @throws IllegalArgumentException naming the file when it is not audio the loader can decode */
    public static BenchAudio file(Path file) {
        try {
            return new BenchAudio(file.toString(), AudioLoader.load16kMono(file));
        } catch (AudioFormatException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static BenchAudio synthetic(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException("audio length must be positive, got " + seconds + " s");
        int n = (int) Math.round(seconds * SyntheticSpeech.SAMPLE_RATE);
        return new BenchAudio("synthetic", SyntheticSpeech.toFloat(SyntheticSpeech.pcm(n, 17)));
    }

    public double seconds() {
        return samples.length / (double) AudioLoader.SAMPLE_RATE;
    }
}
