package ai.ominix.audio.decode;

/**
 * Drops a codec's leading delay (MP3 encoder+decoder delay, Opus pre-skip) and stops after the
 * stream's stated length (MP3 end padding, Ogg final granule), so decoded timelines match the
 * source. The limit may be set while decoding, before the frames beyond it arrive.
 */
final class TrimmingSink implements PcmSink {

    private final PcmSink sink;
    private long skip;
    private long limit = Long.MAX_VALUE;
    private long written;
    private int channels;

    TrimmingSink(PcmSink sink, long skip) {
        this.sink = sink;
        this.skip = Math.max(0, skip);
    }

    /** At most this many frames (counted after the skip) reach the sink. */
    void limit(long frames) {
        this.limit = Math.max(0, frames);
    }

    long written() {
        return written;
    }

    @Override
    public void format(int sampleRate, int channels) {
        this.channels = channels;
        sink.format(sampleRate, channels);
    }

    @Override
    public void expectFrames(long frames) {
        sink.expectFrames(frames);
    }

    @Override
    public void write(float[] samples, int offset, int frames) {
        if (skip > 0) {
            int s = (int) Math.min(skip, frames);
            skip -= s;
            offset += s * channels;
            frames -= s;
        }
        int n = (int) Math.min(frames, limit - written);
        if (n > 0) {
            sink.write(samples, offset, n);
            written += n;
        }
    }
}
