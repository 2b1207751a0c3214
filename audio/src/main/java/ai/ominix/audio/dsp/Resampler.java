package ai.ominix.audio.dsp;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streaming band-limited resampler: polyphase Kaiser-windowed sinc for any integer rate pair.
 *
 * <p>Design, with f_N = min(in, out) / 2 (the lower Nyquist frequency):
 * <ul>
 *   <li>passband 0 … 0.9·f_N, ripple below ±0.001 dB (δ = 10^-4);</li>
 *   <li>stopband from f_N up, attenuation ≥ 80 dB (Kaiser β = 0.1102·(80 − 8.7) = 7.86),
 *       so nothing above the output's Nyquist folds back by more than −80 dB;</li>
 *   <li>cut-off (−6 dB) at 0.95·f_N; transition 0.1·f_N wide. For 44.1/48 kHz → 16 kHz:
 *       pass to 7.2 kHz, stop from 8 kHz, 278/302 taps per output sample.</li>
 * </ul>
 * Output sample k sits at input time k·in/out (zero phase, no delay), the signal is taken as zero
 * outside the input, and a stream of n input samples gives ceil(n·out/in) output samples — the
 * length librosa/soxr produce. Every phase is normalised to unit DC gain.
 *
 * <p>Feed input in chunks of any size with {@link #process}, then call {@link #flush} once; the
 * output is the same for every chunking.
 */
public final class Resampler {

    /** Receives output samples; the array is reused after the call returns. */
    @FunctionalInterface
    public interface Output {
        void accept(float[] samples, int offset, int length);
    }

    private static final double STOPBAND_DB = 80.0;
    private static final double PASSBAND_FRACTION = 0.9;
    private static final Map<Long, Bank> BANKS = new ConcurrentHashMap<>();

    /** Filter taps for every phase: {@code taps[p * width + j]}. */
    private record Bank(int up, int down, int half, int width, float[] taps) {
    }

    private final Bank bank;
    private final Output out;
    /** Input history; {@code buf[0]} is absolute input sample {@code base}. */
    private float[] buf;
    private int len;
    private long base;
    private long inputCount;
    private long nextOut;
    private final float[] outBuf = new float[4096];
    private int outLen;
    private boolean flushed;

    public Resampler(int inRate, int outRate, Output out) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + inRate + " -> " + outRate);
        }
        this.bank = BANKS.computeIfAbsent(((long) inRate << 32) | outRate, k -> design(inRate, outRate));
        this.out = out;
        this.buf = new float[Math.max(8192, 4 * bank.width)];
        // zeros before the first sample so the first outputs see a full window
        this.len = bank.half - 1;
        this.base = -(bank.half - 1);
    }

    /** Number of output samples for {@code n} input samples: ceil(n·out/in). */
    public static long outputLength(long n, int inRate, int outRate) {
        return Math.ceilDiv(n * outRate, inRate);
    }

    public void process(float[] in, int offset, int length) {
        if (flushed) {
            throw new IllegalStateException("resampler already flushed");
        }
        while (length > 0) {
            int chunk = Math.min(length, ensureRoom());
            System.arraycopy(in, offset, buf, len, chunk);
            len += chunk;
            inputCount += chunk;
            offset += chunk;
            length -= chunk;
            produce(Long.MAX_VALUE);
        }
    }

    /** Ends the stream: emits the remaining output (the input is taken as zero past its end). */
    public void flush() {
        if (flushed) {
            return;
        }
        flushed = true;
        long total = Math.ceilDiv(inputCount * bank.up, bank.down);
        int pad = bank.half + 1;
        while (pad > 0) {
            int chunk = Math.min(pad, ensureRoom());
            Arrays.fill(buf, len, len + chunk, 0f);
            len += chunk;
            pad -= chunk;
        }
        produce(total);
        emit();
    }

    /** Makes space at the end of the buffer by dropping history no output needs; returns the room. */
    private int ensureRoom() {
        if (buf.length - len < 1024) {
            long firstNeeded = Math.floorDiv(nextOut * bank.down, bank.up) - bank.half + 1;
            int drop = (int) Math.max(0, Math.min(len, firstNeeded - base));
            System.arraycopy(buf, drop, buf, 0, len - drop);
            len -= drop;
            base += drop;
            if (buf.length - len < 1024) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        return buf.length - len;
    }

    private void produce(long limit) {
        final int up = bank.up, down = bank.down, half = bank.half, width = bank.width;
        final float[] taps = bank.taps;
        final long available = base + len; // first absolute index not in the buffer
        while (nextOut < limit) {
            long pos = nextOut * down;
            long center = Math.floorDiv(pos, up);
            if (center + half >= available) {
                break;
            }
            int phase = (int) (pos - center * up);
            int start = (int) (center - half + 1 - base);
            outBuf[outLen++] = dot(buf, start, taps, phase * width, width);
            if (outLen == outBuf.length) {
                emit();
            }
            nextOut++;
        }
    }

    /** Whether the Vector API is available (the JVM was started with it); else a scalar loop. */
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("ominix.audio.scalar");

    private static float dot(float[] x, int xo, float[] h, int ho, int n) {
        return VECTOR ? VectorDot.dot(x, xo, h, ho, n) : scalarDot(x, xo, h, ho, n);
    }

    static float scalarDot(float[] x, int xo, float[] h, int ho, int n) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            a0 += x[xo + i] * h[ho + i];
            a1 += x[xo + i + 1] * h[ho + i + 1];
            a2 += x[xo + i + 2] * h[ho + i + 2];
            a3 += x[xo + i + 3] * h[ho + i + 3];
        }
        for (; i < n; i++) {
            a0 += x[xo + i] * h[ho + i];
        }
        return (a0 + a1) + (a2 + a3);
    }

    private void emit() {
        if (outLen > 0) {
            out.accept(outBuf, 0, outLen);
            outLen = 0;
        }
    }

    private static Bank design(int inRate, int outRate) {
        int g = gcd(inRate, outRate);
        int up = outRate / g, down = inRate / g;
        double nyquist = Math.min(inRate, outRate) / 2.0;
        double transition = (1 - PASSBAND_FRACTION) * nyquist;
        double cutoff = nyquist - transition / 2;                  // Hz
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        // Kaiser's length estimate, in input samples: N - 1 = (A - 7.95) / (2.285 · Δω)
        double dw = 2 * Math.PI * transition / inRate;
        double halfWidth = (STOPBAND_DB - 7.95) / (2.285 * dw) / 2;
        int half = (int) Math.ceil(halfWidth);
        int width = 2 * half;
        double fc = 2 * cutoff / inRate;                         // normalised to input sample rate
        float[] taps = new float[up * width];
        double i0Beta = besselI0(beta);
        for (int p = 0; p < up; p++) {
            double phase = (double) p / up;
            double sum = 0;
            double[] h = new double[width];
            for (int j = 0; j < width; j++) {
                double tau = phase + half - 1 - j;               // output time minus input time
                double r = tau / halfWidth;
                double w = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
                h[j] = fc * sinc(fc * tau) * w;
                sum += h[j];
            }
            for (int j = 0; j < width; j++) {
                taps[p * width + j] = (float) (h[j] / sum);
            }
        }
        return new Bank(up, down, half, width, taps);
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200 && term > 1e-17 * sum; k++) {
            term *= q / ((double) k * k);
            sum += term;
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
