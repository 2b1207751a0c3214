package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * RIFF/WAVE: integer PCM (8-bit unsigned, 16/24/32-bit signed), IEEE float 32/64, A-law and
 * µ-law, plain or WAVE_FORMAT_EXTENSIBLE, any rate and channel count. Integers are scaled by
 * 2^(bits−1) (as soundfile/librosa do). A data size of 0 or 0xFFFFFFFF (written by streaming
 * encoders that could not seek back) means "until the end of the file".
 */
final class WavDecoder implements Decoder {

    private static final int PCM = 1, FLOAT = 3, ALAW = 6, MULAW = 7, EXTENSIBLE = 0xFFFE;

    private record Format(int tag, int channels, int sampleRate, int blockAlign, int bytesPerSample) {
    }

    private record Header(Format format, long dataBytes) {
        boolean sizeKnown() {
            return dataBytes != 0 && dataBytes != 0xFFFFFFFFL;
        }
    }

    @Override
    public AudioInfo probe(Source source) throws IOException {
        Header h = readHeader(source.stream());
        double seconds = h.sizeKnown()
                ? (double) (h.dataBytes / h.format.blockAlign) / h.format.sampleRate : Double.NaN;
        return new AudioInfo("wav", h.format.sampleRate, h.format.channels, seconds);
    }

    @Override
    public void decode(Source source, PcmSink sink) throws IOException {
        InputStream in = source.stream();
        Header h = readHeader(in);
        Format f = h.format;
        sink.format(f.sampleRate, f.channels);
        if (h.sizeKnown()) {
            sink.expectFrames(h.dataBytes / f.blockAlign);
        }
        int framesPerRead = Math.max(1, (1 << 16) / f.blockAlign);
        byte[] bytes = new byte[framesPerRead * f.blockAlign];
        float[] samples = new float[framesPerRead * f.channels];
        long remaining = h.sizeKnown() ? h.dataBytes : Long.MAX_VALUE;
        while (remaining > 0) {
            int want = (int) Math.min(bytes.length, remaining);
            int got = in.readNBytes(bytes, 0, want);
            int frames = got / f.blockAlign;
            convert(f, bytes, frames * f.channels, samples);
            sink.write(samples, 0, frames);
            remaining -= got;
            if (got < want) {
                if (h.sizeKnown()) {
                    throw new AudioFormatException("truncated WAV: the data chunk declares " + h.dataBytes
                            + " bytes, the file ends after " + (h.dataBytes - remaining));
                }
                break;
            }
        }
    }

    private static Header readHeader(InputStream in) throws IOException {
        byte[] riff = readFully(in, 12, "RIFF header");
        if (!FormatSniffer.startsWith(riff, 0, "RIFF") || !FormatSniffer.startsWith(riff, 8, "WAVE")) {
            throw new AudioFormatException("not a RIFF/WAVE file");
        }
        Format format = null;
        for (int chunks = 0; ; chunks++) {
            if (chunks > 10_000) {
                throw new AudioFormatException("corrupt WAV: no data chunk in the first 10000 chunks");
            }
            byte[] ch = in.readNBytes(8);
            if (ch.length < 8) {
                throw new AudioFormatException(format == null ? "truncated WAV: no fmt chunk" : "truncated WAV: no data chunk");
            }
            String id = new String(ch, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long size = u32(ch, 4);
            if (id.equals("fmt ")) {
                if (size < 16 || size > 4096) {
                    throw new AudioFormatException("corrupt WAV: fmt chunk of " + size + " bytes");
                }
                format = parseFormat(readFully(in, (int) (size + (size & 1)), "fmt chunk"));
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new AudioFormatException("corrupt WAV: data chunk before the fmt chunk");
                }
                return new Header(format, size);
            } else {
                try {
                    in.skipNBytes(size + (size & 1));
                } catch (EOFException e) {
                    throw new AudioFormatException("truncated WAV: chunk '" + id + "' runs past the end of the file");
                }
            }
        }
    }

    private static Format parseFormat(byte[] b) {
        int tag = u16(b, 0);
        int channels = u16(b, 2);
        long rate = u32(b, 4);
        int blockAlign = u16(b, 12);
        int bits = u16(b, 14);
        if (tag == EXTENSIBLE) {
            if (b.length < 40 || u16(b, 16) < 22) {
                throw new AudioFormatException("corrupt WAV: WAVE_FORMAT_EXTENSIBLE without its extension");
            }
            tag = u16(b, 24); // first two bytes of the SubFormat GUID
        }
        if (channels == 0 || rate == 0 || rate > Integer.MAX_VALUE || blockAlign == 0 || blockAlign % channels != 0) {
            throw new AudioFormatException("corrupt WAV: " + channels + " channels, " + rate + " Hz, block align " + blockAlign);
        }
        int bytesPerSample = blockAlign / channels;
        boolean ok = switch (tag) {
            case PCM -> bytesPerSample >= 1 && bytesPerSample <= 4 && bits <= 8 * bytesPerSample;
            case FLOAT -> bytesPerSample == 4 || bytesPerSample == 8;
            case ALAW, MULAW -> bytesPerSample == 1;
            default -> false;
        };
        if (!ok) {
            throw new AudioFormatException("unsupported WAV encoding: format tag 0x" + Integer.toHexString(tag)
                    + ", " + bits + " bits in " + bytesPerSample + "-byte samples");
        }
        return new Format(tag, channels, (int) rate, blockAlign, bytesPerSample);
    }

    private static void convert(Format f, byte[] b, int n, float[] out) {
        int bps = f.bytesPerSample;
        switch (f.tag) {
            case PCM -> {
                switch (bps) {
                    case 1 -> { for (int i = 0; i < n; i++) out[i] = ((b[i] & 0xFF) - 128) / 128f; }
                    case 2 -> { for (int i = 0, j = 0; i < n; i++, j += 2) out[i] = (short) ((b[j] & 0xFF) | b[j + 1] << 8) / 32768f; }
                    case 3 -> {
                        for (int i = 0, j = 0; i < n; i++, j += 3) {
                            out[i] = ((b[j] & 0xFF) | (b[j + 1] & 0xFF) << 8 | b[j + 2] << 16) / 8388608f;
                        }
                    }
                    default -> {
                        for (int i = 0, j = 0; i < n; i++, j += 4) {
                            out[i] = (float) (s32(b, j) / 2147483648.0);
                        }
                    }
                }
            }
            case FLOAT -> {
                if (bps == 4) {
                    for (int i = 0, j = 0; i < n; i++, j += 4) out[i] = Float.intBitsToFloat(s32(b, j));
                } else {
                    for (int i = 0, j = 0; i < n; i++, j += 8) {
                        long bits = (s32(b, j) & 0xFFFFFFFFL) | (long) s32(b, j + 4) << 32;
                        out[i] = (float) Double.longBitsToDouble(bits);
                    }
                }
            }
            case ALAW -> { for (int i = 0; i < n; i++) out[i] = G711.alaw(b[i]) / 32768f; }
            default -> { for (int i = 0; i < n; i++) out[i] = G711.mulaw(b[i]) / 32768f; }
        }
    }

    private static byte[] readFully(InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new AudioFormatException("truncated WAV: incomplete " + what);
        }
        return b;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int s32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
    }

    private static long u32(byte[] b, int at) {
        return s32(b, at) & 0xFFFFFFFFL;
    }

    /** ITU-T G.711 expansion to 16-bit linear. */
    static final class G711 {
        private G711() {
        }

        static int alaw(byte code) {
            int a = (code & 0xFF) ^ 0x55;
            int seg = (a >> 4) & 7;
            int t = (a & 0x0F) << 4;
            t = seg == 0 ? t + 8 : (t + 0x108) << (seg - 1);
            return (a & 0x80) != 0 ? t : -t;
        }

        static int mulaw(byte code) {
            int u = ~code & 0xFF;
            int t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4);
            return (u & 0x80) != 0 ? 0x84 - t : t - 0x84;
        }
    }
}
