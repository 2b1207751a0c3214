package ai.ominix.audio.dsp;

/**
 * Power spectrum |X[k]|², k = 0 … n/2, of a real sequence of even length n, through one complex
 * FFT of length n/2 (even samples as real parts, odd samples as imaginary parts, then the usual
 * split). Thread-safe; scratch comes from the caller's {@link Work}.
 */
public final class RealFft {

    private final int n;
    private final Fft half;
    private final double[] cos, sin;

    /** Per-thread scratch. */
    public final class Work {
        /** Fill {@code input[2j] = x[2j]}, {@code input[2j+1] = x[2j+1]}: the real frame, as-is. */
        public final double[] input = new double[n];
        final double[] scratch = new double[n];
    }

    public RealFft(int n) {
        if (n < 2 || n % 2 != 0) {
            throw new IllegalArgumentException("real FFT size must be even: " + n);
        }
        this.n = n;
        this.half = new Fft(n / 2);
        this.cos = new double[n / 2 + 1];
        this.sin = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            cos[k] = Math.cos(-2 * Math.PI * k / n);
            sin[k] = Math.sin(-2 * Math.PI * k / n);
        }
    }

    public Work work() {
        return new Work();
    }

    /** Writes n/2 + 1 power values into {@code power}; destroys {@code work.input}. */
    public void power(Work work, double[] power) {
        double[] z = work.input;
        half.forward(z, work.scratch);
        int h = n / 2;
        for (int k = 0; k <= h; k++) {
            int a = k % h, b = (h - k) % h;
            double zr = z[2 * a], zi = z[2 * a + 1];
            double cr = z[2 * b], ci = -z[2 * b + 1];   // conj(Z[h−k])
            double er = (zr + cr) / 2, ei = (zi + ci) / 2;
            double dr = zr - cr, di = zi - ci;
            double or = di / 2, oi = -dr / 2;            // (Z[k] − conj(Z[h−k])) / 2i
            double xr = er + cos[k] * or - sin[k] * oi;
            double xi = ei + cos[k] * oi + sin[k] * or;
            power[k] = xr * xr + xi * xi;
        }
    }
}
