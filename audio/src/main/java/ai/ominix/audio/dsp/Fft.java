package ai.ominix.audio.dsp;

/**
 * Complex FFT of any size, mixed radix (Stockham autosort, decimation in frequency): the size is
 * factored into 4, 2, 3, 5 and any remaining primes, each stage a small DFT times twiddles. Written
 * for the 200-point transform behind Whisper's 400-point real FFT, where a power-of-two library
 * does not apply. Plans are immutable and thread-safe; callers pass their own work arrays.
 */
public final class Fft {

    private final int n;
    private final int[] radix;
    /** Per stage: twiddles w_L^(p·u) for p < L/r, u < r, as (re, im) pairs. */
    private final double[][] twiddle;
    /** Per stage: the r-point DFT roots e^(−2πi·k/r), k < r. */
    private final double[][] roots;

    public Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT size must be positive: " + n);
        }
        this.n = n;
        int[] f = new int[32];
        int count = 0, rest = n;
        for (int p : new int[] {4, 2, 3, 5}) {
            while (rest % p == 0) {
                f[count++] = p;
                rest /= p;
            }
        }
        for (int p = 7; rest > 1; p += 2) {
            while (rest % p == 0) {
                f[count++] = p;
                rest /= p;
            }
        }
        radix = java.util.Arrays.copyOf(f, count);
        twiddle = new double[count][];
        roots = new double[count][];
        int len = n;
        for (int s = 0; s < count; s++) {
            int r = radix[s], m = len / r;
            double[] tw = new double[2 * m * r];
            for (int p = 0; p < m; p++) {
                for (int u = 0; u < r; u++) {
                    double a = -2 * Math.PI * ((long) p * u % len) / len;
                    tw[2 * (p * r + u)] = Math.cos(a);
                    tw[2 * (p * r + u) + 1] = Math.sin(a);
                }
            }
            double[] ro = new double[2 * r];
            for (int k = 0; k < r; k++) {
                ro[2 * k] = Math.cos(-2 * Math.PI * k / r);
                ro[2 * k + 1] = Math.sin(-2 * Math.PI * k / r);
            }
            twiddle[s] = tw;
            roots[s] = ro;
            len = m;
        }
    }

    public int size() {
        return n;
    }

    /**
     * Forward transform X[k] = Σ x[j]·e^(−2πi·jk/n) of the interleaved (re, im) array {@code x}
     * (length 2n), in place; {@code work} is scratch of the same length.
     */
    public void forward(double[] x, double[] work) {
        double[] src = x, dst = work;
        int len = n, stride = 1;
        for (int s = 0; s < radix.length; s++) {
            int r = radix[s], m = len / r;
            switch (r) {
                case 2 -> radix2(src, dst, m, stride, twiddle[s]);
                case 4 -> radix4(src, dst, m, stride, twiddle[s]);
                default -> radixGeneric(src, dst, r, m, stride, twiddle[s], roots[s]);
            }
            double[] t = src;
            src = dst;
            dst = t;
            len = m;
            stride *= r;
        }
        if (src != x) {
            System.arraycopy(src, 0, x, 0, 2 * n);
        }
    }

    // Stage: inputs a_j = src[q + s·(p + j·m)], outputs dst[q + s·(r·p + u)] = w^(p·u)·Σ_j a_j·ω_r^(j·u).

    private static void radix2(double[] src, double[] dst, int m, int s, double[] tw) {
        for (int p = 0; p < m; p++) {
            double wr = tw[2 * (2 * p + 1)], wi = tw[2 * (2 * p + 1) + 1];
            for (int q = 0; q < s; q++) {
                int a = 2 * (q + s * p), b = 2 * (q + s * (p + m));
                double ar = src[a], ai = src[a + 1], br = src[b], bi = src[b + 1];
                int o0 = 2 * (q + s * 2 * p), o1 = o0 + 2 * s;
                dst[o0] = ar + br;
                dst[o0 + 1] = ai + bi;
                double dr = ar - br, di = ai - bi;
                dst[o1] = dr * wr - di * wi;
                dst[o1 + 1] = dr * wi + di * wr;
            }
        }
    }

    private static void radix4(double[] src, double[] dst, int m, int s, double[] tw) {
        for (int p = 0; p < m; p++) {
            int t = 2 * 4 * p;
            double w1r = tw[t + 2], w1i = tw[t + 3], w2r = tw[t + 4], w2i = tw[t + 5], w3r = tw[t + 6], w3i = tw[t + 7];
            for (int q = 0; q < s; q++) {
                int i0 = 2 * (q + s * p), i1 = 2 * (q + s * (p + m)), i2 = 2 * (q + s * (p + 2 * m)), i3 = 2 * (q + s * (p + 3 * m));
                double a0r = src[i0], a0i = src[i0 + 1], a1r = src[i1], a1i = src[i1 + 1];
                double a2r = src[i2], a2i = src[i2 + 1], a3r = src[i3], a3i = src[i3 + 1];
                double s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i;
                double s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i;
                // ω_4 = −i: y1 = d02 − i·d13, y3 = d02 + i·d13
                double y1r = d02r + d13i, y1i = d02i - d13r;
                double y2r = s02r - s13r, y2i = s02i - s13i;
                double y3r = d02r - d13i, y3i = d02i + d13r;
                int o = 2 * (q + s * 4 * p), os = 2 * s;
                dst[o] = s02r + s13r;
                dst[o + 1] = s02i + s13i;
                dst[o + os] = y1r * w1r - y1i * w1i;
                dst[o + os + 1] = y1r * w1i + y1i * w1r;
                dst[o + 2 * os] = y2r * w2r - y2i * w2i;
                dst[o + 2 * os + 1] = y2r * w2i + y2i * w2r;
                dst[o + 3 * os] = y3r * w3r - y3i * w3i;
                dst[o + 3 * os + 1] = y3r * w3i + y3i * w3r;
            }
        }
    }

    private static void radixGeneric(double[] src, double[] dst, int r, int m, int s, double[] tw, double[] ro) {
        double[] ar = new double[r], ai = new double[r];
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < s; q++) {
                for (int j = 0; j < r; j++) {
                    int i = 2 * (q + s * (p + j * m));
                    ar[j] = src[i];
                    ai[j] = src[i + 1];
                }
                for (int u = 0; u < r; u++) {
                    double yr = 0, yi = 0;
                    for (int j = 0, k = 0; j < r; j++, k = (k + u) % r) {
                        double cr = ro[2 * k], ci = ro[2 * k + 1];
                        yr += ar[j] * cr - ai[j] * ci;
                        yi += ar[j] * ci + ai[j] * cr;
                    }
                    double wr = tw[2 * (p * r + u)], wi = tw[2 * (p * r + u) + 1];
                    int o = 2 * (q + s * (r * p + u));
                    dst[o] = yr * wr - yi * wi;
                    dst[o + 1] = yr * wi + yi * wr;
                }
            }
        }
    }
}
