package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

import java.io.IOException;
import java.io.InputStream;

/**
 * MPEG-1/2/2.5 layers I–III through JLayer, called directly. JLayer neither skips the Xing/Info
 * frame (it decodes it as 1152 silent samples) nor removes the encoder and decoder delay, so we
 * read the Xing/LAME tag ourselves ({@link XingTag}) and trim like LAME-aware players: drop the tag
 * frame, then {@code delay + 529} samples, and stop at the stated length. With a Xing frame count,
 * fewer frames than announced is reported as truncation.
 */
final class Mp3Decoder implements Decoder {

    @Override
    public AudioInfo probe(Source source) throws IOException {
        InputStream in = source.stream();
        ID3v2.skip(in);
        XingTag tag = XingTag.peek(in);
        Bitstream bs = new Bitstream(in);
        try {
            Header h = bs.readFrame();
            if (h == null) {
                throw new AudioFormatException("no MPEG audio frames found");
            }
            int channels = h.mode() == Header.SINGLE_CHANNEL ? 1 : 2;
            double seconds = tag != null && tag.frames() > 0 && tag.sampleCount() >= 0
                    ? (double) tag.sampleCount() / h.frequency() : Double.NaN;
            return new AudioInfo("mp3", h.frequency(), channels, seconds);
        } catch (javazoom.jl.decoder.BitstreamException e) {
            throw new AudioFormatException("corrupt MP3 stream (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void decode(Source source, PcmSink out) throws IOException {
        InputStream in = source.stream();
        ID3v2.skip(in);
        XingTag tag = XingTag.peek(in);
        TrimmingSink sink = new TrimmingSink(out, tag == null ? 0 : tag.skipSamples());
        if (tag != null && tag.sampleCount() >= 0) {
            sink.limit(tag.sampleCount());
        }
        Bitstream bs = new Bitstream(in);
        javazoom.jl.decoder.Decoder decoder = new javazoom.jl.decoder.Decoder();
        float[] buf = new float[0];
        long frames = 0;
        int channels = 0, rate = 0;
        try {
            for (Header h; (h = bs.readFrame()) != null; bs.closeFrame()) {
                frames++;
                if (frames == 1 && tag != null) {
                    continue; // the Xing/Info frame carries no audio
                }
                SampleBuffer pcm = (SampleBuffer) decoder.decodeFrame(h, bs);
                if (channels == 0) {
                    channels = pcm.getChannelCount();
                    rate = pcm.getSampleFrequency();
                    sink.format(rate, channels);
                    if (tag != null && tag.sampleCount() >= 0) {
                        sink.expectFrames(tag.sampleCount());
                    }
                } else if (h.frequency() != rate) {
                    throw new AudioFormatException("MP3 stream changes sample rate (" + rate + " -> "
                            + h.frequency() + " Hz)");
                }
                short[] s = pcm.getBuffer();
                int n = pcm.getBufferLength();
                if (buf.length < n) {
                    buf = new float[n];
                }
                for (int i = 0; i < n; i++) {
                    buf[i] = s[i] / 32768f;
                }
                sink.write(buf, 0, n / channels);
            }
        } catch (javazoom.jl.decoder.JavaLayerException e) {
            throw new AudioFormatException("corrupt MP3 stream after " + frames + " frames (" + e.getMessage() + ")", e);
        }
        long audioFrames = tag == null ? frames : frames - 1;
        if (tag != null && tag.frames() > 0 && audioFrames < tag.frames()) {
            throw new AudioFormatException("truncated MP3 stream: " + audioFrames + " of " + tag.frames()
                    + " frames present");
        }
    }
}
