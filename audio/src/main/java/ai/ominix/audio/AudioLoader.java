package ai.ominix.audio;

import ai.ominix.audio.decode.Container;
import ai.ominix.audio.decode.FormatSniffer;
import ai.ominix.audio.decode.GuardedInput;
import ai.ominix.audio.decode.Source;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Any supported audio file → 16 kHz mono float samples, normalised as Qwen3-ASR's upstream
 * {@code normalize_audio_input} does (channel mean, resample, divide by the peak if it exceeds 1,
 * clip to [-1, 1]).
 *
 * <p>Formats: WAV (PCM 8–32 bit, float 32/64, A-law, µ-law, WAVE_FORMAT_EXTENSIBLE), FLAC, MP3
 * (MPEG-1/2/2.5 layers I–III, LAME/Xing gapless trimming), M4A/MP4 AAC, Ogg Vorbis, Ogg Opus and
 * WebM Opus, chosen from the bytes only (see {@link FormatSniffer}), never from a name.
 *
 * <p>Decoding streams: the native-rate PCM is mixed down and resampled as it is produced; the heap
 * peak is the 16 kHz result when the container states the length, twice that otherwise. Decoding
 * runs under a watchdog ({@link DecodeWatchdog}) so a stalled or looping decoder cannot hang the
 * caller. Every problem with the bytes is an {@link AudioFormatException}; an
 * {@link UncheckedIOException} means the source itself could not be read. Thread-safe.
 */
public final class AudioLoader {

    public static final int SAMPLE_RATE = 16_000;

    private AudioLoader() {
    }

    public static float[] load16kMono(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, Optional.of(file), SAMPLE_RATE);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no such file: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] load16kMono(InputStream in) {
        return load(in, Optional.empty(), SAMPLE_RATE);
    }

    /** Format, native rate, channels and (when the headers state it) duration, without decoding. */
    public static AudioInfo probe(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            GuardedInput guarded = new GuardedInput(raw);
            BufferedInputStream in = new BufferedInputStream(guarded, 1 << 16);
            Container container = FormatSniffer.detect(in);
            return DecodeWatchdog.run(guarded, () -> 0L, container.displayName(),
                    () -> container.decoder().probe(new Source(in, Optional.of(file))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] load(InputStream raw, Optional<Path> file, int targetRate) {
        GuardedInput guarded = new GuardedInput(raw);
        BufferedInputStream in = new BufferedInputStream(guarded, 1 << 16);
        Container container;
        try {
            container = FormatSniffer.detect(in);
        } catch (IOException e) {
            throw guarded.sourceFailure() != null ? new UncheckedIOException(e)
                    : new AudioFormatException("unreadable audio header: " + e.getMessage(), e);
        }
        MonoCollector collector = new MonoCollector(targetRate);
        return DecodeWatchdog.run(guarded, collector::framesIn, container.displayName(), () -> {
            container.decoder().decode(new Source(in, file), collector);
            if (collector.channels() == 0) {
                throw new AudioFormatException("no audio in " + container.displayName() + " stream");
            }
            float[] samples = collector.finish();
            if (samples.length == 0) {
                throw new AudioFormatException(container.displayName() + " stream contains no samples");
            }
            return samples;
        });
    }

    /** Maps whatever a decoder threw to our error types. */
    static RuntimeException classify(Throwable t, GuardedInput in, String format) {
        if (t instanceof AudioFormatException e) {
            return e;
        }
        if (in.sourceFailure() != null) {
            return new UncheckedIOException("reading the audio failed", in.sourceFailure());
        }
        if (t instanceof EOFException) {
            return new AudioFormatException("truncated " + format + " stream", t);
        }
        if (t instanceof OutOfMemoryError) {
            return new AudioFormatException("decoding the " + format + " stream ran out of memory "
                    + "(corrupt header, or audio too long for this heap)", t);
        }
        String detail = t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
        return new AudioFormatException("corrupt " + format + " stream (" + detail + ")", t);
    }
}
