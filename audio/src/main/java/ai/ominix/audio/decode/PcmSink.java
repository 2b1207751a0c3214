package ai.ominix.audio.decode;

/** Where a decoder writes its output: interleaved float PCM, nominally in [-1, 1]. */
public interface PcmSink {

    /** Announces the stream's format; called once before the first {@link #write}. */
    void format(int sampleRate, int channels);

    /**
     * Optional hint, after {@link #format}: the stream will deliver this many frames (from the
     * container's header), so the receiver can size its output once instead of growing it.
     */
    default void expectFrames(long frames) {
    }

    /** Appends {@code frames} interleaved frames starting at {@code samples[offset]}. */
    void write(float[] samples, int offset, int frames);
}
