package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Picks the decoder from the first bytes only (never from a file name or content type: e.g.
 * mp3spi's reader claims WebM files are MPEG audio). Anything we do not decode is rejected here
 * with a message naming what the bytes look like.
 */
public final class FormatSniffer {

    /** Largest ID3v2 tag we look past (cover art is the usual bulk). */
    private static final int MAX_ID3_BYTES = 32 << 20;
    private static final int PEEK = 96;

    private FormatSniffer() {
    }

    /** Detects the format; {@code in} must support mark/reset and is left at its first byte. */
    public static Container detect(InputStream in) throws IOException {
        byte[] head = peek(in, 0, PEEK);
        if (head.length == 0) {
            throw new AudioFormatException("empty audio file (0 bytes)");
        }
        if (startsWith(head, 0, "ID3") && head.length >= 10) {
            int tagSize = 10 + syncSafe(head, 6) + ((head[5] & 0x10) != 0 ? 10 : 0);
            if (tagSize > MAX_ID3_BYTES) {
                throw new AudioFormatException("ID3 tag of " + tagSize + " bytes is larger than the "
                        + MAX_ID3_BYTES + "-byte limit");
            }
            byte[] after = peek(in, tagSize, 16);
            if (after.length == 0) {
                throw new AudioFormatException("truncated file: an ID3 tag and no audio after it");
            }
            if (startsWith(after, 0, "fLaC")) {
                return Container.FLAC;
            }
            if (isMpegAudioHeader(after, 0)) {
                return Container.MP3;
            }
            throw unsupported(after, "after an ID3 tag");
        }
        if (head.length >= 12 && startsWith(head, 0, "RIFF") && startsWith(head, 8, "WAVE")) {
            return Container.WAV;
        }
        if (startsWith(head, 0, "fLaC")) {
            return Container.FLAC;
        }
        if (head.length >= 8 && startsWith(head, 4, "ftyp")) {
            return Container.MP4_AAC;
        }
        if (startsWith(head, 0, "OggS")) {
            return oggCodec(head);
        }
        if (isMpegAudioHeader(head, 0)) {
            return Container.MP3;
        }
        if (head.length >= 4 && (head[0] & 0xFF) == 0x1A && (head[1] & 0xFF) == 0x45 && (head[2] & 0xFF) == 0xDF
                && (head[3] & 0xFF) == 0xA3) {
            return Container.WEBM_OPUS;
        }
        throw unsupported(head, null);
    }

    private static Container oggCodec(byte[] head) {
        if (head.length < 28) {
            throw new AudioFormatException("truncated Ogg stream (" + head.length + " bytes)");
        }
        int packetStart = 27 + (head[26] & 0xFF);
        if (head.length < Math.min(PEEK, packetStart + 8)) {
            throw new AudioFormatException("truncated Ogg stream (" + head.length + " bytes)");
        }
        if (startsWith(head, packetStart, "OpusHead")) {
            return Container.OGG_OPUS;
        }
        if (head.length > packetStart && head[packetStart] == 1 && startsWith(head, packetStart + 1, "vorbis")) {
            return Container.OGG_VORBIS;
        }
        String codec = startsWith(head, packetStart + 1, "FLAC") ? "FLAC"
                : startsWith(head, packetStart, "Speex") ? "Speex"
                : startsWith(head, packetStart + 1, "theora") ? "Theora video"
                : "an unknown codec";
        throw new AudioFormatException("Ogg stream with " + codec + " is not supported (only Vorbis and Opus)");
    }

    /** MPEG audio frame header: 11 sync bits, valid version, layer, bitrate and sample rate. */
    static boolean isMpegAudioHeader(byte[] b, int at) {
        if (b.length < at + 4 || (b[at] & 0xFF) != 0xFF || (b[at + 1] & 0xE0) != 0xE0) {
            return false;
        }
        int version = (b[at + 1] >> 3) & 3;
        int layer = (b[at + 1] >> 1) & 3;
        int bitrate = (b[at + 2] >> 4) & 15;
        int rate = (b[at + 2] >> 2) & 3;
        return version != 1 && layer != 0 && bitrate != 15 && rate != 3;
    }

    private static AudioFormatException unsupported(byte[] head, String where) {
        String kind = describe(head);
        return new AudioFormatException("not a supported audio file: "
                + (where == null ? "starts with" : where + " come") + " bytes '" + quote(head, 4) + "'"
                + (kind == null ? "" : " (" + kind + ")")
                + "; supported: WAV, FLAC, MP3, M4A/MP4 (AAC), Ogg Vorbis, Ogg Opus, WebM Opus");
    }

    /** A name for well-known non-audio or unsupported signatures. */
    static String describe(byte[] h) {
        if (startsWith(h, 0, "PK\u0003\u0004")) return "ZIP archive";
        if (startsWith(h, 0, "%PDF")) return "PDF document";
        if (startsWith(h, 0, "\u0089PNG")) return "PNG image";
        if (startsWith(h, 0, "GIF8")) return "GIF image";
        if (h.length >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) return "JPEG image";
        if (startsWith(h, 0, "RIFF")) return "RIFF but not WAVE";
        if (startsWith(h, 0, "RIFX")) return "big-endian RIFX WAV, which is not supported";
        if (startsWith(h, 0, "RF64")) return "RF64 WAV, which is not supported";
        if (startsWith(h, 0, "FORM")) return "AIFF, which is not supported";
        if (startsWith(h, 0, ".snd")) return "Sun AU, which is not supported";
        if (startsWith(h, 0, "caff")) return "Core Audio Format, which is not supported";
        if (startsWith(h, 0, "#!AMR")) return "AMR, which is not supported";
        if (startsWith(h, 0, "MThd")) return "MIDI";
        if (h.length >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xF6) == 0xF0) return "raw AAC (ADTS), which is not supported; use M4A";
        if (startsWith(h, 0, "\u007FELF") || startsWith(h, 0, "MZ")) return "executable";
        if (isText(h)) return "text";
        return null;
    }

    private static boolean isText(byte[] h) {
        for (byte b : h) {
            int c = b & 0xFF;
            if (c < 0x09 || (c > 0x0D && c < 0x20) || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    static String quote(byte[] h, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, h.length); i++) {
            int c = h[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\u%04X", c));
            }
        }
        return sb.toString();
    }

    static boolean startsWith(byte[] b, int at, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
        if (at < 0 || b.length < at + m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (b[at + i] != m[i]) {
                return false;
            }
        }
        return true;
    }

    private static int syncSafe(byte[] b, int at) {
        return (b[at] & 0x7F) << 21 | (b[at + 1] & 0x7F) << 14 | (b[at + 2] & 0x7F) << 7 | (b[at + 3] & 0x7F);
    }

    /** Up to {@code n} bytes at {@code offset}, leaving the stream where it was. */
    private static byte[] peek(InputStream in, int offset, int n) throws IOException {
        in.mark(offset + n);
        try {
            in.skipNBytes(offset);
            return in.readNBytes(n);
        } catch (java.io.EOFException e) {
            return new byte[0];
        } finally {
            in.reset();
        }
    }
}
