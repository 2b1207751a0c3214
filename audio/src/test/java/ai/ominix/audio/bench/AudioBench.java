package ai.ominix.audio.bench;

import ai.ominix.audio.AudioLoader;
import ai.ominix.audio.LogMel;
import ai.ominix.audio.testing.Fixtures;
import ai.ominix.audio.testing.Fixtures.Codec;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Audio front-end throughput, in multiples of real time, next to a peer measured in the same run:
 * FFmpeg (native C) decoding + resampling the same file to 16 kHz mono float, and the numpy
 * reference computing the same log-mel (process start and file I/O included). Usage:
 * {@code scripts/audio-bench.sh [seconds]} (default 600 s of espeak-ng speech, 44.1 kHz stereo;
 * Opus at 48 kHz). Best of 3 runs after a warm-up.
 */
public final class AudioBench {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        Path speech = Fixtures.speech(Fixtures.SENTENCE);
        Path source = Fixtures.dir().resolve("bench-" + seconds + "s.wav");
        if (!Files.exists(source)) {
            Fixtures.run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", speech.toString(),
                    "-t", String.valueOf(seconds), "-ar", "44100", "-ac", "2", "-c:a", "pcm_s16le", source.toString());
        }
        System.out.printf("machine: %d cores, %s %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.arch"));
        System.out.printf("%-11s %9s %14s %14s %8s%n", "format", "audio s", "ominix xRT", "ffmpeg xRT", "ratio");
        for (Codec codec : new Codec[] {Codec.WAV, Codec.FLAC, Codec.MP3, Codec.M4A, Codec.OGG_VORBIS, Codec.OGG_OPUS}) {
            int rate = codec == Codec.OGG_OPUS ? 48_000 : 44_100;
            Path file = Fixtures.encode(source, codec, rate, 2);
            AudioLoader.load16kMono(Fixtures.encode(speech, codec, rate, 2)); // warm-up
            double ours = best(() -> AudioLoader.load16kMono(file));
            double peer = best(() -> Fixtures.run("ffmpeg", "-nostdin", "-loglevel", "error", "-threads", "1", "-i",
                    file.toString(), "-ac", "1", "-ar", "16000", "-f", "f32le", "-y", "/dev/null"));
            System.out.printf("%-11s %9d %14.0f %14.0f %8.2f%n", codec, seconds, seconds / ours, seconds / peer, peer / ours);
        }
        float[] samples = AudioLoader.load16kMono(source);
        LogMel.compute(AudioLoader.load16kMono(speech)); // warm-up
        double mel = best(() -> LogMel.compute(samples));
        Path in = Fixtures.dir().resolve("bench-mel.in.f32"), out = Fixtures.dir().resolve("bench-mel.out.f32");
        Fixtures.writeF32(in, samples);
        double numpy = best(() -> Fixtures.run("/usr/bin/python3", Path.of("src/test/python/whisper_logmel.py")
                .toAbsolutePath().toString(), in.toString(), out.toString()));
        Files.deleteIfExists(in);
        Files.deleteIfExists(out);
        System.out.printf("%-11s %9d %14.0f %14.0f %8.2f   (peer: numpy reference, 1 thread)%n", "log-mel", seconds,
                seconds / mel, seconds / numpy, numpy / mel);
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private static double best(Work w) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            w.run();
            best = Math.min(best, (System.nanoTime() - t) / 1e9);
        }
        return best;
    }
}
