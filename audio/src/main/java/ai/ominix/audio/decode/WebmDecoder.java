package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * WebM/Matroska with Opus audio (what browsers' MediaRecorder produces): a streaming EBML walk
 * that treats Segment and Cluster as transparent (so the unknown sizes of live recordings work),
 * reads the first Opus track's OpusHead from CodecPrivate, and decodes SimpleBlocks and Blocks
 * (any lacing) with {@link OpusPackets}; drops the pre-skip and a block's DiscardPadding.
 */
final class WebmDecoder implements Decoder {

    private static final String NAME = "WebM";
    private static final long EBML = 0x1A45DFA3L, DOC_TYPE = 0x4282, SEGMENT = 0x18538067L, CLUSTER = 0x1F43B675L,
            TRACKS = 0x1654AE6BL, TRACK_ENTRY = 0xAE, TRACK_NUMBER = 0xD7, TRACK_TYPE = 0x83, CODEC_ID = 0x86,
            CODEC_PRIVATE = 0x63A2, SIMPLE_BLOCK = 0xA3, BLOCK_GROUP = 0xA0, BLOCK = 0xA1,
            DISCARD_PADDING = 0x75A2;

    private record Track(long number, String codec, byte[] codecPrivate) {
    }

    @Override
    public AudioInfo probe(Source source) throws IOException {
        Walk walk = new Walk(new EbmlReader(source.stream()), null);
        OpusPackets.Head head = walk.untilTrack();
        return new AudioInfo("webm/opus", OpusPackets.RATE, head.channels(), Double.NaN);
    }

    @Override
    public void decode(Source source, PcmSink out) throws IOException {
        new Walk(new EbmlReader(source.stream()), out).run();
    }

    private static final class Walk {
        private final EbmlReader r;
        private final PcmSink out;
        private Track track;
        private OpusPackets.Head head;
        private OpusPackets opus;
        private TrimmingSink sink;
        private long packets;
        private long segmentEnd = -1;

        Walk(EbmlReader r, PcmSink out) {
            this.r = r;
            this.out = out;
        }

        OpusPackets.Head untilTrack() throws IOException {
            header();
            while (head == null && element()) {
                // keep reading
            }
            if (head == null) {
                throw new AudioFormatException("WebM file without an Opus audio track");
            }
            return head;
        }

        void run() throws IOException {
            header();
            while (element()) {
                // blocks are decoded as they come
            }
            if (head == null) {
                throw new AudioFormatException("WebM file without an Opus audio track");
            }
            if (segmentEnd > r.position()) {
                throw new AudioFormatException("truncated WebM stream: the segment declares "
                        + (segmentEnd - r.position()) + " more bytes");
            }
        }

        private void header() throws IOException {
            if (r.readId() != EBML) {
                throw new AudioFormatException("not a WebM/Matroska file");
            }
            byte[] h = r.readBytes(r.readSize());
            String docType = docType(h);
            if (!docType.equals("webm") && !docType.equals("matroska")) {
                throw new AudioFormatException("EBML document type '" + docType + "' is not WebM/Matroska");
            }
        }

        /** Handles one element; false at the end of the stream. */
        private boolean element() throws IOException {
            long id = r.readId();
            if (id < 0) {
                return false;
            }
            long size = r.readSize();
            if (id == SEGMENT && size != EbmlReader.UNKNOWN_SIZE && segmentEnd < 0) {
                segmentEnd = r.position() + size;
            }
            if (id == SEGMENT || id == CLUSTER) {
                return true; // descend: their children follow, whatever the (possibly unknown) size
            }
            if (id == TRACKS) {
                tracks(r.readBytes(size));
            } else if (id == SIMPLE_BLOCK) {
                block(r.readBytes(size), 0);
            } else if (id == BLOCK_GROUP) {
                blockGroup(r.readBytes(size));
            } else {
                r.skip(size);
            }
            return true;
        }

        private void tracks(byte[] b) {
            for (int[] e : children(b, 0, b.length)) {
                if (e[0] != TRACK_ENTRY) {
                    continue;
                }
                long number = -1, type = -1;
                String codec = "";
                byte[] priv = null;
                for (int[] c : children(b, e[1], e[1] + e[2])) {
                    byte[] v = java.util.Arrays.copyOfRange(b, c[1], c[1] + c[2]);
                    if (c[0] == TRACK_NUMBER) number = EbmlReader.uint(v);
                    else if (c[0] == TRACK_TYPE) type = EbmlReader.uint(v);
                    else if (c[0] == CODEC_ID) codec = new String(v, StandardCharsets.US_ASCII).trim();
                    else if (c[0] == CODEC_PRIVATE) priv = v;
                }
                if (type == 2 && track == null) {
                    if (!codec.equals("A_OPUS")) {
                        throw new AudioFormatException("WebM audio codec " + codec + " is not supported (only Opus)");
                    }
                    track = new Track(number, codec, priv);
                    head = OpusPackets.Head.parse(priv, priv == null ? 0 : priv.length, NAME);
                    if (out != null) {
                        opus = new OpusPackets(head, NAME);
                        sink = new TrimmingSink(out, head.preSkip());
                        sink.format(OpusPackets.RATE, head.channels());
                    }
                }
            }
        }

        private void blockGroup(byte[] b) {
            long discardNs = 0;
            int[] block = null;
            for (int[] c : children(b, 0, b.length)) {
                if (c[0] == BLOCK) block = c;
                else if (c[0] == DISCARD_PADDING) discardNs = EbmlReader.sint(java.util.Arrays.copyOfRange(b, c[1], c[1] + c[2]));
            }
            if (block != null) {
                block(java.util.Arrays.copyOfRange(b, block[1], block[1] + block[2]), discardNs);
            }
        }

        private void block(byte[] b, long discardNs) {
            if (track == null) {
                throw new AudioFormatException("corrupt WebM: a block before the track list");
            }
            long[] tn = EbmlReader.vint(b, 0);
            if (tn[0] != track.number() || opus == null) {
                return;
            }
            int at = (int) tn[1] + 2; // track number, 16-bit timecode
            if (at >= b.length) {
                throw new AudioFormatException("corrupt WebM block header");
            }
            int lacing = (b[at] >> 1) & 3;
            at++;
            List<int[]> frames = laced(b, at, lacing);
            for (int i = 0; i < frames.size(); i++) {
                int[] f = frames.get(i);
                int n = opus.decode(b, f[0], f[1], packets++);
                if (i == frames.size() - 1 && discardNs > 0) {
                    n = (int) Math.max(0, n - Math.round(discardNs * OpusPackets.RATE / 1e9));
                }
                sink.write(opus.samples(), 0, n);
            }
        }
    }

    /** Frames {offset, length} of a block's payload starting at {@code at}. */
    static List<int[]> laced(byte[] b, int at, int lacing) {
        List<int[]> frames = new ArrayList<>();
        if (lacing == 0) {
            frames.add(new int[] {at, b.length - at});
            return frames;
        }
        if (at >= b.length) {
            throw new AudioFormatException("corrupt WebM lacing");
        }
        int count = (b[at++] & 0xFF) + 1;
        long[] sizes = new long[count];
        if (lacing == 2) { // fixed
            for (int i = 0; i < count; i++) sizes[i] = (b.length - at) / count;
        } else if (lacing == 1) { // Xiph
            for (int i = 0; i < count - 1; i++) {
                int v;
                do {
                    if (at >= b.length) throw new AudioFormatException("corrupt WebM lacing");
                    v = b[at++] & 0xFF;
                    sizes[i] += v;
                } while (v == 255);
            }
        } else { // EBML: first size, then signed differences
            long[] v = EbmlReader.vint(b, at);
            sizes[0] = v[0];
            at += (int) v[1];
            for (int i = 1; i < count - 1; i++) {
                v = EbmlReader.vint(b, at);
                long bias = (1L << (7 * v[1] - 1)) - 1;
                sizes[i] = sizes[i - 1] + (v[0] - bias);
                at += (int) v[1];
            }
        }
        long used = 0;
        for (int i = 0; i < count - 1; i++) used += sizes[i];
        if (lacing != 2) sizes[count - 1] = b.length - at - used;
        for (long s : sizes) {
            if (s < 0 || at + s > b.length) {
                throw new AudioFormatException("corrupt WebM lacing");
            }
            frames.add(new int[] {at, (int) s});
            at += (int) s;
        }
        return frames;
    }

    /** Children {id, payload offset, payload length} of a master element held in memory. */
    private static List<int[]> children(byte[] b, int from, int to) {
        List<int[]> out = new ArrayList<>();
        int at = from;
        while (at < to) {
            int first = b[at] & 0xFF;
            int idLen = Integer.numberOfLeadingZeros(first) - 23;
            if (idLen < 1 || idLen > 4 || at + idLen > to) {
                throw new AudioFormatException("corrupt WebM element");
            }
            int id = 0;
            for (int i = 0; i < idLen; i++) id = id << 8 | (b[at + i] & 0xFF);
            at += idLen;
            long[] size = EbmlReader.vint(b, at);
            at += (int) size[1];
            if (size[0] > to - at) {
                throw new AudioFormatException("corrupt WebM element size");
            }
            out.add(new int[] {id, at, (int) size[0]});
            at += (int) size[0];
        }
        return out;
    }

    private static String docType(byte[] h) {
        for (int[] c : children(h, 0, h.length)) {
            if (c[0] == DOC_TYPE) {
                return new String(h, c[1], c[2], StandardCharsets.US_ASCII).trim();
            }
        }
        return "";
    }
}
