package ai.ominix.audio.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test audio for this module and for the server/ASR tests (shipped in the audio test-jar): speech
 * from espeak-ng, tones, WAV files written byte by byte, and every supported format encoded by
 * ffmpeg. Generated files are cached under {@code target/audio-fixtures} by a name that encodes
 * all their parameters. Needs the Debian packages espeak-ng and ffmpeg.
 */
public final class Fixtures {

    /** Encodings ffmpeg produces for the format tests. */
    public enum Codec {
        WAV("wav", "-c:a", "pcm_s16le"),
        FLAC("flac", "-c:a", "flac"),
        MP3("mp3", "-c:a", "libmp3lame", "-b:a", "64k"),
        M4A("m4a", "-c:a", "aac", "-b:a", "96k"),
        OGG_VORBIS("ogg", "-c:a", "libvorbis", "-q:a", "5"),
        OGG_OPUS("opus", "-c:a", "libopus", "-b:a", "64k"),
        WEBM_OPUS("webm", "-c:a", "libopus", "-b:a", "64k");

        final String extension;
        final String[] args;

        Codec(String extension, String... args) {
            this.extension = extension;
            this.args = args;
        }
    }

    /** Sample layouts for {@link #writeWav}. */
    public enum WavEncoding {
        U8(1, 1, 8), S16(1, 2, 16), S24(1, 3, 24), S32(1, 4, 32), F32(3, 4, 32), F64(3, 8, 64);

        final int tag, bytes, bits;

        WavEncoding(int tag, int bytes, int bits) {
            this.tag = tag;
            this.bytes = bytes;
            this.bits = bits;
        }
    }

    public static final String SENTENCE = "The quick brown fox jumps over the lazy dog. Speech recognition test number one.";

    private Fixtures() {
    }

    public static Path dir() {
        Path d = Path.of("target", "audio-fixtures").toAbsolutePath();
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    /** espeak-ng speech (22.05 kHz mono 16-bit WAV). */
    public static Path speech(String text) {
        Path out = dir().resolve("speech-" + Integer.toHexString(text.hashCode()) + ".wav");
        if (!Files.exists(out)) {
            run("espeak-ng", "-v", "en", "-s", "160", "-w", tmp(out).toString(), text);
            moveIntoPlace(out);
        }
        return out;
    }

    /**
     * {@code source} converted to {@code rate} Hz, {@code channels} channels (stereo: left = the
     * source, right = the source at half amplitude, so a wrong mix-down shows) and the codec.
     */
    public static Path encode(Path source, Codec codec, int rate, int channels) {
        String name = source.getFileName().toString().replaceFirst("\\.\\w+$", "")
                + "-" + rate + "-" + channels + "ch." + codec.extension;
        Path out = dir().resolve(name);
        if (!Files.exists(out)) {
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i",
                    source.toString(), "-map_metadata", "-1"));
            String filter = channels == 2 ? "pan=stereo|c0=c0|c1=0.5*c0" : "pan=mono|c0=c0";
            boolean opus = codec == Codec.OGG_OPUS || codec == Codec.WEBM_OPUS;
            if (opus && 48000 % rate != 0) {
                // libopus takes 8/12/16/24/48 kHz only: band-limit at the rate, carry it at 48 kHz
                cmd.addAll(List.of("-af", filter + ",aresample=" + rate + ",aresample=48000"));
            } else {
                cmd.addAll(List.of("-af", filter, "-ar", String.valueOf(rate)));
            }
            cmd.addAll(Arrays.asList(codec.args));
            cmd.addAll(List.of("-f", formatName(codec), tmp(out).toString()));
            run(cmd.toArray(String[]::new));
            moveIntoPlace(out);
        }
        return out;
    }

    /** Runs ffmpeg with the given arguments between the input and the output file. */
    public static Path ffmpeg(Path input, String outName, String... args) {
        Path out = dir().resolve(outName);
        if (!Files.exists(out)) {
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y"));
            if (input != null) {
                cmd.addAll(List.of("-i", input.toString()));
            }
            cmd.addAll(Arrays.asList(args));
            String ext = outName.substring(outName.lastIndexOf('.') + 1);
            cmd.addAll(List.of("-f", switch (ext) {
                case "m4a" -> "ipod";
                case "opus" -> "ogg";
                default -> ext;
            }, tmp(out).toString()));
            run(cmd.toArray(String[]::new));
            moveIntoPlace(out);
        }
        return out;
    }

    private static String formatName(Codec codec) {
        return switch (codec) {
            case M4A -> "ipod";
            case OGG_VORBIS, OGG_OPUS -> "ogg";
            default -> codec.extension;
        };
    }

    /** A sine tone. */
    public static float[] tone(double hz, double seconds, int rate, double amplitude) {
        float[] x = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    /** Writes interleaved samples as a WAV file; {@code extensible} uses WAVE_FORMAT_EXTENSIBLE. */
    public static Path writeWav(Path file, float[] interleaved, int rate, int channels, WavEncoding enc,
                                boolean extensible) {
        int frames = interleaved.length / channels;
        int dataBytes = frames * channels * enc.bytes;
        int fmtSize = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + 12 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(fmtSize).putShort((short) (extensible ? 0xFFFE : enc.tag))
                .putShort((short) channels).putInt(rate).putInt(rate * channels * enc.bytes)
                .putShort((short) (channels * enc.bytes)).putShort((short) enc.bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) enc.bits).putInt(0)
                    .putShort((short) enc.tag).put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        b.put("LIST".getBytes()).putInt(4).put("INFO".getBytes()); // a chunk the reader must skip
        b.put("data".getBytes()).putInt(dataBytes);
        for (int i = 0; i < frames * channels; i++) {
            double v = Math.max(-1, Math.min(1, interleaved[i]));
            switch (enc) {
                case U8 -> b.put((byte) (Math.round(Math.min(v * 128, 127)) + 128));
                case S16 -> b.putShort((short) Math.round(Math.min(v * 32768, 32767)));
                case S24 -> {
                    int s = (int) Math.round(Math.min(v * 8388608, 8388607));
                    b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                }
                case S32 -> b.putInt((int) Math.round(Math.min(v * 2147483648.0, 2147483647.0)));
                case F32 -> b.putFloat(interleaved[i]);
                case F64 -> b.putDouble(interleaved[i]);
            }
        }
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The value {@link #writeWav} stores for {@code v} in {@code enc}, as a decoder should read it back. */
    public static float quantized(float v, WavEncoding enc) {
        double c = Math.max(-1, Math.min(1, v));
        return switch (enc) {
            case U8 -> Math.round(Math.min(c * 128, 127)) / 128f;
            case S16 -> Math.round(Math.min(c * 32768, 32767)) / 32768f;
            case S24 -> Math.round(Math.min(c * 8388608, 8388607)) / 8388608f;
            case S32 -> (float) (Math.round(Math.min(c * 2147483648.0, 2147483647.0)) / 2147483648.0);
            case F32, F64 -> v;
        };
    }

    /** Writes raw little-endian float32 samples (input for the numpy reference script). */
    public static void writeF32(Path file, float[] x) {
        ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] readF32(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] x = new float[b.remaining() / 4];
            b.asFloatBuffer().get(x);
            return x;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command (5-minute limit), failing with its output when it fails. */
    public static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + new String(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd[0] + " (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path tmp(Path out) {
        return out.resolveSibling(out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    }

    private static void moveIntoPlace(Path out) {
        try {
            Files.move(tmp(out), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
