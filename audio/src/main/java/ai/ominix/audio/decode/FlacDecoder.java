package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;
import org.jflac.FLACDecoder;
import org.jflac.FrameListener;
import org.jflac.frame.Frame;
import org.jflac.metadata.Metadata;
import org.jflac.metadata.StreamInfo;

import java.io.IOException;

/**
 * FLAC through jflac, reading its integer channel buffers directly (any bit depth, scaled by
 * 2^(bits−1)). jflac silently zeroes frames that fail their CRC; we count those as corruption,
 * and a stream that ends before STREAMINFO's sample count as truncation.
 */
final class FlacDecoder implements Decoder {

    @Override
    public AudioInfo probe(Source source) throws IOException {
        StreamInfo si = readInfo(new FLACDecoder(source.stream()));
        double seconds = si.getTotalSamples() > 0 ? (double) si.getTotalSamples() / si.getSampleRate() : Double.NaN;
        return new AudioInfo("flac", si.getSampleRate(), si.getChannels(), seconds);
    }

    @Override
    public void decode(Source source, PcmSink sink) throws IOException {
        FLACDecoder flac = new FLACDecoder(source.stream());
        StringBuilder errors = new StringBuilder();
        flac.addFrameListener(new FrameListener() {
            @Override
            public void processMetadata(Metadata metadata) {
            }

            @Override
            public void processFrame(Frame frame) {
            }

            @Override
            public void processError(String msg) {
                if (!msg.startsWith("FindSync LOST_SYNC") && errors.length() < 200) {
                    errors.append(errors.isEmpty() ? "" : "; ").append(msg);
                }
            }
        });
        StreamInfo si = readInfo(flac);
        int channels = si.getChannels();
        sink.format(si.getSampleRate(), channels);
        long total = si.getTotalSamples();
        if (total > 0) {
            sink.expectFrames(total);
        }
        float[] out = new float[0];
        while (total == 0 || flac.getSamplesDecoded() < total) {
            Frame frame = flac.readNextFrame();
            if (frame == null) {
                break;
            }
            if (!errors.isEmpty() || flac.getBadFrames() > 0) {
                break;
            }
            int n = frame.header.blockSize;
            if (frame.header.channels != channels) {
                throw new AudioFormatException("corrupt FLAC stream: frame with " + frame.header.channels
                        + " channels in a " + channels + "-channel stream");
            }
            if (out.length < n * channels) {
                out = new float[n * channels];
            }
            float scale = (float) Math.scalb(1.0, 1 - frame.header.bitsPerSample);
            for (int c = 0; c < channels; c++) {
                int[] pcm = flac.getChannelData()[c].getOutput();
                for (int i = 0, j = c; i < n; i++, j += channels) {
                    out[j] = pcm[i] * scale;
                }
            }
            sink.write(out, 0, n);
        }
        if (!errors.isEmpty() || flac.getBadFrames() > 0) {
            throw new AudioFormatException("corrupt FLAC stream: " + (errors.isEmpty()
                    ? flac.getBadFrames() + " undecodable frames" : errors));
        }
        if (total > 0 && flac.getSamplesDecoded() < total) {
            throw new AudioFormatException("truncated FLAC stream: " + flac.getSamplesDecoded() + " of "
                    + total + " samples present");
        }
    }

    private static StreamInfo readInfo(FLACDecoder flac) throws IOException {
        try {
            flac.readMetadata();
        } catch (java.io.EOFException e) {
            throw new AudioFormatException("truncated FLAC stream (in the metadata blocks)", e);
        }
        StreamInfo si = flac.getStreamInfo();
        if (si == null) {
            throw new AudioFormatException("corrupt FLAC stream: no STREAMINFO block");
        }
        if (si.getChannels() < 1 || si.getSampleRate() <= 0 || si.getBitsPerSample() < 4) {
            throw new AudioFormatException("corrupt FLAC STREAMINFO: " + si.getChannels() + " channels, "
                    + si.getSampleRate() + " Hz, " + si.getBitsPerSample() + " bits");
        }
        return si;
    }
}
