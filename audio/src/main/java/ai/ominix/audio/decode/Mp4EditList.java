package ai.ominix.audio.decode;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * The presentation length of an MP4's sound track from its edit list (moov/trak/edts/elst, in the
 * movie timescale of moov/mvhd). Encoders put the AAC priming in the edit's media time and cut the
 * end padding with its duration; JAAD ignores edit lists, so we apply it ourselves.
 *
 * @param startSeconds where the edit starts in the track's media (the priming), 0 when absent
 * @param seconds      length of the first non-empty edit of the first sound track, NaN when absent
 */
record Mp4EditList(double startSeconds, double seconds) {

    static final Mp4EditList NONE = new Mp4EditList(0, Double.NaN);

        /** Frames at {@code rate} Hz, or -1 when there is no edit list. */
    long frames(int rate) {
        return Double.isNaN(seconds) ? -1 : Math.round(seconds * rate);
    }

    /** Leading frames to drop at {@code rate} Hz. */
    long skipFrames(int rate) {
        return Math.round(startSeconds * rate);
    }

    static Mp4EditList read(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long[] moov = find(f, 0, f.length(), "moov");
            if (moov == null) {
                return NONE;
            }
            long movieScale = timescale(f, find(f, moov[0], moov[1], "mvhd"));
            for (long pos = moov[0]; pos < moov[1]; ) {
                long[] box = box(f, pos, moov[1]);
                if (box == null) {
                    break;
                }
                if (type(f, pos).equals("trak") && isSound(f, box)) {
                    long[] edts = find(f, box[0], box[1], "edts");
                    long[] elst = edts == null ? null : find(f, edts[0], edts[1], "elst");
                    long[] mdia = find(f, box[0], box[1], "mdia");
                    long mediaScale = mdia == null ? -1 : timescale(f, find(f, mdia[0], mdia[1], "mdhd"));
                    if (elst == null || movieScale <= 0 || mediaScale <= 0) {
                        return NONE;
                    }
                    long[] edit = firstEdit(f, elst);
                    return edit == null ? NONE
                            : new Mp4EditList(edit[1] / (double) mediaScale, edit[0] / (double) movieScale);
                }
                pos = box[1];
            }
            return NONE;
        } catch (IOException | RuntimeException e) {
            return NONE; // the demuxer reports real damage with a better message
        }
    }

    private static boolean isSound(RandomAccessFile f, long[] trak) throws IOException {
        long[] mdia = find(f, trak[0], trak[1], "mdia");
        long[] hdlr = mdia == null ? null : find(f, mdia[0], mdia[1], "hdlr");
        if (hdlr == null) {
            return false;
        }
        f.seek(hdlr[0] + 8);
        byte[] t = new byte[4];
        f.readFully(t);
        return new String(t, java.nio.charset.StandardCharsets.ISO_8859_1).equals("soun");
    }

    /** {duration, media time} of the first edit whose media time is not -1 (an empty edit). */
    private static long[] firstEdit(RandomAccessFile f, long[] elst) throws IOException {
        f.seek(elst[0]);
        int version = f.readInt() >>> 24;
        long count = f.readInt() & 0xFFFFFFFFL;
        for (long i = 0; i < count && i < 1000; i++) {
            long duration = version == 1 ? f.readLong() : f.readInt() & 0xFFFFFFFFL;
            long mediaTime = version == 1 ? f.readLong() : f.readInt();
            f.readInt(); // media rate
            if (mediaTime != -1) {
                return new long[] {duration, mediaTime};
            }
        }
        return null;
    }

    private static long timescale(RandomAccessFile f, long[] header) throws IOException {
        if (header == null) {
            return -1;
        }
        f.seek(header[0]);
        int version = f.readInt() >>> 24;
        f.skipBytes(version == 1 ? 16 : 8);
        return f.readInt() & 0xFFFFFFFFL;
    }

    /** Payload [start, end) of the first child box named {@code name} in [from, to). */
    private static long[] find(RandomAccessFile f, long from, long to, String name) throws IOException {
        for (long pos = from; pos + 8 <= to; ) {
            long[] box = box(f, pos, to);
            if (box == null) {
                return null;
            }
            if (type(f, pos).equals(name)) {
                return box;
            }
            pos = box[1];
        }
        return null;
    }

    private static long[] box(RandomAccessFile f, long pos, long limit) throws IOException {
        if (pos + 8 > limit) {
            return null;
        }
        f.seek(pos);
        long size = f.readInt() & 0xFFFFFFFFL;
        long header = 8;
        if (size == 1) {
            f.seek(pos + 8);
            size = f.readLong();
            header = 16;
        } else if (size == 0) {
            size = limit - pos;
        }
        if (size < header || pos + size > limit) {
            return null;
        }
        return new long[] {pos + header, pos + size};
    }

    private static String type(RandomAccessFile f, long pos) throws IOException {
        f.seek(pos + 4);
        byte[] t = new byte[4];
        f.readFully(t);
        return new String(t, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
