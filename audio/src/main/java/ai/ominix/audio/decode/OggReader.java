package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Minimal Ogg demuxer (RFC 3533): pages with their CRC checked, packets reassembled across pages,
 * for the first logical stream only (other multiplexed streams are skipped; a chained stream ends
 * at the first end-of-stream page). A missing end-of-stream page or a page cut short is
 * truncation; a CRC mismatch is corruption.
 */
final class OggReader {

    /**
     * One packet.
     *
     * @param granule granule position of the page on which the packet ends (-1: none)
     * @param onLastPage whether that page is the stream's last (end-of-stream flag)
     */
    record Packet(byte[] data, int length, long granule, boolean onLastPage, long number) {
    }

    private static final int MAX_PACKET = 16 << 20;
    private static final int[] CRC = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            CRC[i] = r;
        }
    }

    private final InputStream in;
    private final String codec;
    private final ArrayDeque<Packet> ready = new ArrayDeque<>();
    private byte[] partial = new byte[0];
    private int partialLen;
    private boolean partialOpen;
    private long serial;
    private boolean started;
    private boolean ended;
    private long pages;
    private long packets;

    OggReader(InputStream in, String codec) {
        this.in = in;
        this.codec = codec;
    }

    /** The next packet, or null after the last one of the stream. */
    Packet next() throws IOException {
        while (ready.isEmpty()) {
            if (ended || !readPage()) {
                return null;
            }
        }
        return ready.poll();
    }

    private boolean readPage() throws IOException {
        byte[] header = in.readNBytes(27);
        if (header.length == 0) {
            throw new AudioFormatException("truncated " + codec + " stream: no end-of-stream page after "
                    + pages + " pages");
        }
        if (header.length < 27) {
            throw new AudioFormatException("truncated " + codec + " stream: page " + pages + " cut short");
        }
        if (!FormatSniffer.startsWith(header, 0, "OggS") || header[4] != 0) {
            throw new AudioFormatException("corrupt " + codec + " stream: lost Ogg page sync after " + pages + " pages");
        }
        int flags = header[5];
        long granule = le64(header, 6);
        long pageSerial = le32(header, 14) & 0xFFFFFFFFL;
        int storedCrc = le32(header, 22);
        int segments = header[26] & 0xFF;
        byte[] lacing = in.readNBytes(segments);
        int bodyLen = 0;
        for (byte l : lacing) {
            bodyLen += l & 0xFF;
        }
        byte[] body = in.readNBytes(bodyLen);
        if (lacing.length < segments || body.length < bodyLen) {
            throw new AudioFormatException("truncated " + codec + " stream: page " + pages + " cut short");
        }
        header[22] = header[23] = header[24] = header[25] = 0;
        int crc = crc(crc(crc(0, header), lacing), body);
        if (crc != storedCrc) {
            throw new AudioFormatException("corrupt " + codec + " stream: CRC mismatch in page " + pages);
        }
        pages++;
        if (!started) {
            if ((flags & 2) == 0) {
                throw new AudioFormatException("corrupt " + codec + " stream: first page is not a stream start");
            }
            started = true;
            serial = pageSerial;
        } else if (pageSerial != serial) {
            return true; // another multiplexed stream
        }
        boolean last = (flags & 4) != 0;
        if ((flags & 1) == 0 && partialOpen) {
            partialLen = 0; // a packet left open on the previous page was abandoned
        }
        partialOpen = (flags & 1) != 0 && partialOpen;
        int pos = 0;
        int lastComplete = -1;
        for (int s = 0; s < segments; s++) {
            if ((lacing[s] & 0xFF) < 255) {
                lastComplete = s;
            }
        }
        for (int s = 0; s < segments; s++) {
            int l = lacing[s] & 0xFF;
            append(body, pos, l);
            pos += l;
            if (l < 255) {
                ready.add(new Packet(Arrays.copyOf(partial, partialLen), partialLen,
                        s == lastComplete ? granule : -1, last, packets++));
                partialLen = 0;
                partialOpen = false;
            } else {
                partialOpen = true;
            }
        }
        if (last) {
            ended = true;
        }
        return true;
    }

    private void append(byte[] b, int off, int n) {
        if (partialLen + n > MAX_PACKET) {
            throw new AudioFormatException("corrupt " + codec + " stream: packet larger than " + MAX_PACKET + " bytes");
        }
        if (partial.length < partialLen + n) {
            partial = Arrays.copyOf(partial, Math.max(partialLen + n, partial.length * 2));
        }
        System.arraycopy(b, off, partial, partialLen, n);
        partialLen += n;
    }

    private static int crc(int crc, byte[] b) {
        for (byte x : b) {
            crc = (crc << 8) ^ CRC[((crc >>> 24) ^ x) & 0xFF];
        }
        return crc;
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
    }

    static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long le64(byte[] b, int at) {
        return (le32(b, at) & 0xFFFFFFFFL) | (long) le32(b, at + 4) << 32;
    }
}
