package ai.ominix.audio;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Child-JVM entry point for {@link MemoryTest}: loads audio under a small -Xmx and prints the
 * sample count. {@code wav SECONDS RATE CHANNELS [unknown]} decodes a generated 16-bit WAV stream
 * (never on disk; {@code unknown}: with the streaming header that states no size); {@code file PATH}
 * decodes a file.
 */
public final class MemoryProbe {

    public static void main(String[] args) {
        float[] x = args[0].equals("file")
                ? AudioLoader.load16kMono(Path.of(args[1]))
                : AudioLoader.load16kMono(wavStream(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]), args.length > 4 && args[4].equals("unknown")));
        System.out.println("samples=" + x.length);
    }

    /** A WAV file of a 440 Hz tone, produced on the fly. */
    static InputStream wavStream(int seconds, int rate, int channels, boolean unknownSize) {
        long frames = (long) seconds * rate;
        long dataBytes = frames * channels * 2;
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt((int) (36 + dataBytes)).put("WAVEfmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
                .putShort((short) (channels * 2)).putShort((short) 16).put("data".getBytes())
                .putInt(unknownSize ? -1 : (int) dataBytes);
        byte[] header = h.array();
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long total = 44 + dataBytes;
                if (pos >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - pos);
                for (int i = 0; i < n; i++, pos++) {
                    if (pos < 44) {
                        b[off + i] = header[(int) pos];
                    } else {
                        long sample = (pos - 44) / 2 / channels;
                        short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * sample / rate));
                        b[off + i] = (byte) (((pos - 44) & 1) == 0 ? v : v >> 8);
                    }
                }
                return n;
            }
        };
    }
}
