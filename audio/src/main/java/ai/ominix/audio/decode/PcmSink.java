package ai.ominix.audio.decode;

/** Where a decoder writes its output: interleaved float PCM, nominally in [-1, 1]. */
public interface PcmSink {

    /** Announces the stream's format; called once before the first {@link #write}. */
    void format(int sampleRate, int channels);

    /** Appends {@code frames} interleaved frames starting at {@code samples[offset]}. */
    void write(float[] samples, int offset, int frames);
}
