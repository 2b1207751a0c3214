package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads EBML (Matroska/WebM) element headers and values from a stream, counting its position. */
final class EbmlReader {

    static final long UNKNOWN_SIZE = -1;
    private static final int MAX_ELEMENT = 64 << 20;

    private final InputStream in;
    private long position;

    EbmlReader(InputStream in) {
        this.in = in;
    }

    long position() {
        return position;
    }

    /** An element ID with its length marker kept (e.g. 0x1A45DFA3), or -1 at a clean end of stream. */
    long readId() throws IOException {
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        position++;
        int len = Integer.numberOfLeadingZeros(first) - 23;
        if (len < 1 || len > 4) {
            throw new AudioFormatException("corrupt WebM: bad element ID at byte " + (position - 1));
        }
        long id = first;
        for (int i = 1; i < len; i++) {
            id = id << 8 | readByte();
        }
        return id;
    }

    /** An element size, or {@link #UNKNOWN_SIZE} when all its value bits are set. */
    long readSize() throws IOException {
        int first = readByte();
        int len = Integer.numberOfLeadingZeros(first) - 23;
        if (len < 1 || len > 8) {
            throw new AudioFormatException("corrupt WebM: bad element size at byte " + (position - 1));
        }
        long value = first & (0xFF >> len);
        boolean allOnes = value == (0xFF >> len);
        for (int i = 1; i < len; i++) {
            int b = readByte();
            allOnes &= b == 0xFF;
            value = value << 8 | b;
        }
        return allOnes ? UNKNOWN_SIZE : value;
    }

    byte[] readBytes(long size) throws IOException {
        if (size < 0 || size > MAX_ELEMENT) {
            throw new AudioFormatException("corrupt WebM: element of " + size + " bytes");
        }
        byte[] b = in.readNBytes((int) size);
        position += b.length;
        if (b.length < size) {
            throw new EOFException();
        }
        return b;
    }

    void skip(long size) throws IOException {
        if (size < 0) {
            throw new AudioFormatException("corrupt WebM: cannot skip an element of unknown size");
        }
        in.skipNBytes(size);
        position += size;
    }

    /** Big-endian unsigned integer of 0–8 bytes. */
    static long uint(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = v << 8 | (x & 0xFF);
        }
        return v;
    }

    static long sint(byte[] b) {
        return b.length == 0 ? 0 : uint(b) << (64 - 8 * b.length) >> (64 - 8 * b.length);
    }

    /** A variable-length integer inside a block header: {value, bytes used}. */
    static long[] vint(byte[] b, int at) {
        if (at >= b.length) {
            throw new AudioFormatException("corrupt WebM block header");
        }
        int first = b[at] & 0xFF;
        int len = Integer.numberOfLeadingZeros(first) - 23;
        if (len < 1 || len > 8 || at + len > b.length) {
            throw new AudioFormatException("corrupt WebM block header");
        }
        long v = first & (0xFF >> len);
        for (int i = 1; i < len; i++) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return new long[] {v, len};
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        position++;
        return b;
    }
}
