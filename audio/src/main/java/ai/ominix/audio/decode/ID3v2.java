package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Skips a leading ID3v2 tag (10-byte header, syncsafe size, optional 10-byte footer). */
final class ID3v2 {

    private ID3v2() {
    }

    static void skip(InputStream in) throws IOException {
        in.mark(10);
        byte[] h = in.readNBytes(10);
        if (h.length < 10 || h[0] != 'I' || h[1] != 'D' || h[2] != '3') {
            in.reset();
            return;
        }
        long size = (h[6] & 0x7F) << 21 | (h[7] & 0x7F) << 14 | (h[8] & 0x7F) << 7 | (h[9] & 0x7F);
        if ((h[5] & 0x10) != 0) {
            size += 10;
        }
        try {
            in.skipNBytes(size);
        } catch (EOFException e) {
            throw new AudioFormatException("truncated file: the ID3 tag runs past the end", e);
        }
    }
}
