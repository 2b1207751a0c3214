package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusMSDecoder;

import java.io.IOException;

/**
 * Ogg Opus (RFC 7845): our {@link OggReader} plus Concentus. Decodes at 48 kHz (Opus's native
 * rate; the pipeline resamples), applies the header's output gain, drops the pre-skip and ends at
 * the last page's granule position.
 */
final class OggOpusDecoder implements Decoder {

    private static final int RATE = 48_000;
    private static final int MAX_FRAME = 5760; // 120 ms at 48 kHz

    /** The identification header ("OpusHead"). */
    private record Head(int channels, int preSkip, int inputRate, int gainQ8, int family, int streams,
                        int coupled, short[] mapping) {

        static Head parse(OggReader.Packet p) {
            byte[] b = p.data();
            if (p.length() < 19 || !FormatSniffer.startsWith(b, 0, "OpusHead")) {
                throw new AudioFormatException("corrupt Ogg Opus stream: bad OpusHead");
            }
            if ((b[8] & 0xF0) != 0) {
                throw new AudioFormatException("unsupported Ogg Opus version " + (b[8] & 0xFF));
            }
            int channels = b[9] & 0xFF;
            int family = b[18] & 0xFF;
            if (channels == 0) {
                throw new AudioFormatException("corrupt Ogg Opus stream: 0 channels");
            }
            int streams = 1, coupled = channels == 2 ? 1 : 0;
            short[] mapping = channels == 2 ? new short[] {0, 1} : new short[] {0};
            if (family != 0) {
                if (p.length() < 21 + channels) {
                    throw new AudioFormatException("corrupt Ogg Opus stream: truncated channel mapping");
                }
                streams = b[19] & 0xFF;
                coupled = b[20] & 0xFF;
                mapping = new short[channels];
                for (int c = 0; c < channels; c++) {
                    mapping[c] = (short) (b[21 + c] & 0xFF);
                }
            } else if (channels > 2) {
                throw new AudioFormatException("corrupt Ogg Opus stream: mapping family 0 with " + channels + " channels");
            }
            return new Head(channels, OggReader.le16(b, 10), OggReader.le32(b, 12), (short) OggReader.le16(b, 16),
                    family, streams, coupled, mapping);
        }
    }

    @Override
    public AudioInfo probe(Source source) throws IOException {
        Head head = Head.parse(first(new OggReader(source.stream(), "Ogg Opus")));
        return new AudioInfo("ogg/opus", RATE, head.channels, Double.NaN);
    }

    @Override
    public void decode(Source source, PcmSink out) throws IOException {
        OggReader ogg = new OggReader(source.stream(), "Ogg Opus");
        Head head = Head.parse(first(ogg));
        OggReader.Packet tags = ogg.next();
        if (tags == null || !FormatSniffer.startsWith(tags.data(), 0, "OpusTags")) {
            throw new AudioFormatException("corrupt Ogg Opus stream: missing OpusTags header");
        }
        TrimmingSink sink = new TrimmingSink(out, head.preSkip);
        sink.format(RATE, head.channels);
        PacketDecoder decoder = packetDecoder(head);
        short[] pcm = new short[MAX_FRAME * head.channels];
        float[] buf = new float[pcm.length];
        for (OggReader.Packet p; (p = ogg.next()) != null; ) {
            if (p.onLastPage() && p.granule() >= 0) {
                sink.limit(p.granule() - head.preSkip);
            }
            if (p.length() == 0) {
                continue;
            }
            int frames;
            try {
                frames = decoder.decode(p.data(), p.length(), pcm);
            } catch (OpusException e) {
                throw new AudioFormatException("corrupt Ogg Opus packet " + p.number() + " (" + e.getMessage() + ")", e);
            }
            int n = frames * head.channels;
            for (int i = 0; i < n; i++) {
                buf[i] = pcm[i] / 32768f;
            }
            sink.write(buf, 0, frames);
        }
    }

    @FunctionalInterface
    private interface PacketDecoder {
        int decode(byte[] data, int length, short[] pcm) throws OpusException;
    }

    private static PacketDecoder packetDecoder(Head head) {
        try {
            if (head.family == 0) {
                OpusDecoder d = new OpusDecoder(RATE, head.channels);
                d.setGain(head.gainQ8);
                return (data, length, pcm) -> d.decode(data, 0, length, pcm, 0, MAX_FRAME, false);
            }
            OpusMSDecoder d = OpusMSDecoder.create(RATE, head.channels, head.streams, head.coupled, head.mapping);
            d.setGain(head.gainQ8);
            return (data, length, pcm) -> d.decodeMultistream(data, 0, length, pcm, 0, MAX_FRAME, 0);
        } catch (OpusException e) {
            throw new AudioFormatException("unsupported Ogg Opus channel layout (" + e.getMessage() + ")", e);
        }
    }

    private static OggReader.Packet first(OggReader ogg) throws IOException {
        OggReader.Packet p = ogg.next();
        if (p == null) {
            throw new AudioFormatException("empty Ogg Opus stream");
        }
        return p;
    }
}
