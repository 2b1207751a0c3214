package ai.ominix.audio.decode;

import java.io.IOException;
import java.io.InputStream;

/**
 * The Xing/Info header in an MP3's first frame and its LAME extension (encoder delay and end
 * padding, 12 bits each at byte 21 of the LAME tag). Layout: "Xing"|"Info", flags (frames=1,
 * bytes=2, toc=4, quality=8), the flagged fields, then the 36-byte LAME tag.
 *
 * @param frames           audio frames after the tag frame (0 when not stated)
 * @param samplesPerFrame  1152 (MPEG-1 layer III, layer II), 576 (MPEG-2/2.5 layer III), 384 (layer I)
 * @param delay            encoder delay in samples, -1 without a LAME tag
 * @param padding          end padding in samples, -1 without a LAME tag
 */
record XingTag(long frames, int samplesPerFrame, int delay, int padding) {

    /** Decoder delay of the MDCT/polyphase synthesis, as LAME and FFmpeg count it. */
    static final int DECODER_DELAY = 529;

    /** Samples to drop at the start of the decoded frames that follow the tag frame. */
    long skipSamples() {
        return delay < 0 ? 0 : delay + DECODER_DELAY;
    }

    /** Source length in samples, or -1 when the tag does not tell. */
    long sampleCount() {
        if (frames <= 0 || delay < 0) {
            return -1;
        }
        return Math.max(0, frames * samplesPerFrame - delay - padding);
    }

    /** Reads the tag at the stream's position (a frame header) and resets; null when absent. */
    static XingTag peek(InputStream in) throws IOException {
        in.mark(512);
        byte[] b = in.readNBytes(512);
        in.reset();
        if (!FormatSniffer.isMpegAudioHeader(b, 0)) {
            return null;
        }
        int version = (b[1] >> 3) & 3;      // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
        int layer = 4 - ((b[1] >> 1) & 3);  // 1, 2 or 3
        boolean crc = (b[1] & 1) == 0;
        boolean mono = ((b[3] >> 6) & 3) == 3;
        int sideInfo = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int at = 4 + (crc ? 2 : 0) + sideInfo;
        if (!FormatSniffer.startsWith(b, at, "Xing") && !FormatSniffer.startsWith(b, at, "Info")) {
            return null;
        }
        int samplesPerFrame = layer == 1 ? 384 : layer == 2 || version == 3 ? 1152 : 576;
        int flags = be32(b, at + 4);
        int p = at + 8;
        long frames = 0;
        if ((flags & 1) != 0) {
            frames = be32(b, p) & 0xFFFFFFFFL;
            p += 4;
        }
        if ((flags & 2) != 0) p += 4;
        if ((flags & 4) != 0) p += 100;
        if ((flags & 8) != 0) p += 4;
        int delay = -1, padding = -1;
        if (p + 24 <= b.length && isEncoderName(b, p)) {
            int d0 = b[p + 21] & 0xFF, d1 = b[p + 22] & 0xFF, d2 = b[p + 23] & 0xFF;
            delay = d0 << 4 | d1 >> 4;
            padding = (d1 & 0x0F) << 8 | d2;
        }
        // the tag's frame count includes the tag frame itself for some encoders; LAME's does not
        return new XingTag(frames, samplesPerFrame, delay, padding);
    }

    private static boolean isEncoderName(byte[] b, int p) {
        for (int i = 0; i < 4; i++) {
            int c = b[p + i] & 0xFF;
            if (!Character.isLetter(c)) {
                return false;
            }
        }
        return true;
    }

    private static int be32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
