package ai.ominix.server.support;

import ai.ominix.server.http.ApiException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * WAV fixtures for HTTP tests, and a WAV-only decoder standing in for the audio module's loader
 * until it is on main (16-bit PCM, mono, 16 kHz only).
 */
public final class TestAudio {
    private TestAudio() {}

    /** A 16 kHz mono 16-bit WAV with a 440 Hz tone. */
    public static byte[] wav(double seconds) {
        int n = (int) Math.round(seconds * 16000);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) b.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16000.0)));
        return b.array();
    }

    public static Path writeWav(Path file, double seconds) {
        try {
            Files.write(file, wav(seconds));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] decode(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 44 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157
                || b.getShort(22) != 1 || b.getInt(24) != 16000 || b.getShort(34) != 16) {
            throw ApiException.badRequest("invalid_audio_format", "file", "not a 16 kHz mono 16-bit WAV file");
        }
        int n = (bytes.length - 44) / 2;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = b.getShort(44 + 2 * i) / 32768f;
        return out;
    }

    /** A multipart/form-data body. */
    public static final class Multipart {
        public final String boundary = "----ominixtest" + System.nanoTime();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Multipart field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
            return this;
        }

        public Multipart file(String name, String filename, String type, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        public byte[] body() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + boundary + "--\r\n").getBytes());
            return copy.toByteArray();
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
