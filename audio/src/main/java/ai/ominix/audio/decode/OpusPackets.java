package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusMSDecoder;

/**
 * Opus packets → float PCM at 48 kHz through Concentus, configured from the "OpusHead"
 * identification header (RFC 7845 §5.1; WebM carries the same bytes as CodecPrivate): channel
 * mapping family 0 (mono/stereo) or multistream families, and the output gain.
 */
final class OpusPackets {

    static final int RATE = 48_000;
    private static final int MAX_FRAME = 5760; // 120 ms at 48 kHz

    /** The identification header. */
    record Head(int channels, int preSkip, int gainQ8, int family, int streams, int coupled, short[] mapping) {

        static Head parse(byte[] b, int length, String container) {
            if (b == null || length < 19 || !FormatSniffer.startsWith(b, 0, "OpusHead")) {
                throw new AudioFormatException("corrupt " + container + " stream: bad OpusHead");
            }
            if ((b[8] & 0xF0) != 0) {
                throw new AudioFormatException("unsupported Opus header version " + (b[8] & 0xFF));
            }
            int channels = b[9] & 0xFF;
            int family = b[18] & 0xFF;
            if (channels == 0) {
                throw new AudioFormatException("corrupt " + container + " stream: 0 channels");
            }
            int streams = 1, coupled = channels == 2 ? 1 : 0;
            short[] mapping = channels == 2 ? new short[] {0, 1} : new short[] {0};
            if (family != 0) {
                if (length < 21 + channels) {
                    throw new AudioFormatException("corrupt " + container + " stream: truncated channel mapping");
                }
                streams = b[19] & 0xFF;
                coupled = b[20] & 0xFF;
                mapping = new short[channels];
                for (int c = 0; c < channels; c++) {
                    mapping[c] = (short) (b[21 + c] & 0xFF);
                }
            } else if (channels > 2) {
                throw new AudioFormatException("corrupt " + container + " stream: mapping family 0 with " + channels + " channels");
            }
            return new Head(channels, OggReader.le16(b, 10), (short) OggReader.le16(b, 16), family, streams, coupled, mapping);
        }
    }

    @FunctionalInterface
    private interface PacketDecoder {
        int decode(byte[] data, int offset, int length, short[] pcm) throws OpusException;
    }

    private final Head head;
    private final String container;
    private final PacketDecoder decoder;
    private final short[] pcm;
    private final float[] out;

    OpusPackets(Head head, String container) {
        this.head = head;
        this.container = container;
        this.pcm = new short[MAX_FRAME * head.channels];
        this.out = new float[pcm.length];
        try {
            if (head.family == 0) {
                OpusDecoder d = new OpusDecoder(RATE, head.channels);
                d.setGain(head.gainQ8);
                decoder = (data, off, len, p) -> d.decode(data, off, len, p, 0, MAX_FRAME, false);
            } else {
                OpusMSDecoder d = OpusMSDecoder.create(RATE, head.channels, head.streams, head.coupled, head.mapping);
                d.setGain(head.gainQ8);
                decoder = (data, off, len, p) -> d.decodeMultistream(data, off, len, p, 0, MAX_FRAME, 0);
            }
        } catch (OpusException e) {
            throw new AudioFormatException("unsupported Opus channel layout (" + e.getMessage() + ")", e);
        }
    }

    /** Decodes one packet; the samples are in {@link #samples()}, interleaved; returns frames. */
    int decode(byte[] data, int offset, int length, long packetNumber) {
        try {
            int frames = decoder.decode(data, offset, length, pcm);
            int n = frames * head.channels;
            for (int i = 0; i < n; i++) {
                out[i] = pcm[i] / 32768f;
            }
            return frames;
        } catch (OpusException e) {
            throw new AudioFormatException("corrupt " + container + " Opus packet " + packetNumber + " (" + e.getMessage() + ")", e);
        }
    }

    float[] samples() {
        return out;
    }
}
