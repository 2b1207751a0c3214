package ai.ominix.audio;

import ai.ominix.audio.dsp.MelFilterBank;
import ai.ominix.audio.dsp.RealFft;

import java.util.ArrayList;
import java.util.List;

/**
 * Whisper / Qwen3-ASR log-mel features (transformers' {@code WhisperFeatureExtractor}, 128 bins):
 * reflect-pad 200 samples on both sides, 400-sample periodic-Hann frames every 160 samples,
 * |rFFT|², 128 Slaney mel filters (0–8 kHz, Slaney area norm), log10 of max(mel, 1e-10), clamp at
 * (the clip's global maximum − 8), then (x + 4) / 4. The last STFT frame is dropped, so a clip of n
 * samples gives n / 160 frames.
 *
 * <p>Short input: reflect padding follows {@code numpy.pad(mode="reflect")}, which keeps
 * reflecting when the pad exceeds the signal (the numpy path of transformers does exactly this;
 * the torch path fails for n ≤ 200). Fewer than 160 samples give 0 frames.
 *
 * <p>Each frame runs in double precision (FFT and filters), results are stored as float. Long clips
 * are split over the available cores.
 */
public final class LogMel {

    public static final int N_MELS = 128;
    public static final int N_FFT = 400;
    public static final int HOP = 160;
    public static final int SAMPLE_RATE = 16_000;

    /** Features laid out [nMels][frames] row-major: the value of bin m at frame t is data[m·frames + t]. */
    public record MelSpectrogram(float[] data, int nMels, int frames) {
        public MelSpectrogram {
            if (data.length != nMels * frames) {
                throw new IllegalArgumentException("data length " + data.length + " != " + nMels + " x " + frames);
            }
        }

        public float get(int mel, int frame) {
            return data[mel * frames + frame];
        }
    }

    private static final int PAD = N_FFT / 2;
    private static final int FRAMES_PER_THREAD_MIN = 2_000;
    private static final RealFft FFT = new RealFft(N_FFT);
    private static final MelFilterBank FILTERS = new MelFilterBank(N_MELS, N_FFT, SAMPLE_RATE, 0, SAMPLE_RATE / 2.0);
    private static final double[] WINDOW = new double[N_FFT];

    static {
        for (int i = 0; i < N_FFT; i++) {
            WINDOW[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / N_FFT); // periodic Hann
        }
    }

    private LogMel() {
    }

    /** Frames produced for a clip of {@code numSamples} samples. */
    public static int frames(int numSamples) {
        return numSamples / HOP;
    }

    public static MelSpectrogram compute(float[] samples16k) {
        int n = samples16k.length;
        int frames = frames(n);
        float[] out = new float[N_MELS * frames];
        if (frames == 0) {
            return new MelSpectrogram(out, N_MELS, 0);
        }
        int threads = (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(),
                frames / FRAMES_PER_THREAD_MIN));
        float max;
        if (threads == 1) {
            max = logMel(samples16k, out, frames, 0, frames);
        } else {
            float[] maxima = new float[threads];
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int id = w, from = (int) ((long) frames * w / threads), to = (int) ((long) frames * (w + 1) / threads);
                workers.add(Thread.ofPlatform().name("logmel-" + w).start(
                        () -> maxima[id] = logMel(samples16k, out, frames, from, to)));
            }
            join(workers);
            max = Float.NEGATIVE_INFINITY;
            for (float m : maxima) {
                max = Math.max(max, m);
            }
        }
        float floor = max - 8f;
        for (int i = 0; i < out.length; i++) {
            out[i] = (Math.max(out[i], floor) + 4f) / 4f;
        }
        return new MelSpectrogram(out, N_MELS, frames);
    }

    /** log10 mel energies of frames [from, to) into out; returns their maximum. */
    private static float logMel(float[] x, float[] out, int frames, int from, int to) {
        RealFft.Work work = FFT.work();
        double[] frame = work.input;
        double[] power = new double[N_FFT / 2 + 1];
        int n = x.length;
        float max = Float.NEGATIVE_INFINITY;
        for (int t = from; t < to; t++) {
            int start = t * HOP - PAD;
            if (start >= 0 && start + N_FFT <= n) {
                for (int i = 0; i < N_FFT; i++) {
                    frame[i] = x[start + i] * WINDOW[i];
                }
            } else {
                for (int i = 0; i < N_FFT; i++) {
                    frame[i] = x[reflect(start + i, n)] * WINDOW[i];
                }
            }
            FFT.power(work, power);
            for (int m = 0; m < N_MELS; m++) {
                float v = (float) Math.log10(Math.max(FILTERS.apply(m, power), 1e-10));
                out[m * frames + t] = v;
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /** numpy "reflect" index: mirror at both ends without repeating the edge sample, periodically. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return j < n ? j : period - j;
    }

    private static void join(List<Thread> workers) {
        boolean interrupted = false;
        for (Thread t : workers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
