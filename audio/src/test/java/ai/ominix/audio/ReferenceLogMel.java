package ai.ominix.audio;

/**
 * Independent float64 Whisper log-mel for tests: explicit padded signal, plain O(n²) DFT, dense
 * [201 × 128] filter matrix built the way librosa writes it (ramps from the differences of the
 * mel points), no sharing with the production code.
 */
final class ReferenceLogMel {

    private ReferenceLogMel() {
    }

    /** [128][n/160] as double. */
    static double[][] compute(float[] x) {
        int n = x.length, nFft = 400, hop = 160, nMels = 128, bins = 201;
        if (n < hop) {
            return new double[nMels][0];
        }
        double[] padded = new double[n + 400];
        for (int i = 0; i < padded.length; i++) {
            padded[i] = x[numpyReflect(i - 200, n)];
        }
        int stftFrames = 1 + n / hop;
        int frames = stftFrames - 1;
        double[][] fb = filters(nMels, bins);
        double[][] cosT = new double[bins][nFft], sinT = new double[bins][nFft];
        for (int k = 0; k < bins; k++) {
            for (int j = 0; j < nFft; j++) {
                double a = 2 * Math.PI * ((long) k * j % nFft) / nFft;
                cosT[k][j] = Math.cos(a);
                sinT[k][j] = Math.sin(a);
            }
        }
        double[] win = new double[nFft];
        for (int j = 0; j < nFft; j++) {
            win[j] = 0.5 * (1 - Math.cos(2 * Math.PI * j / nFft));
        }
        double[][] log = new double[nMels][Math.max(frames, 0)];
        double max = Double.NEGATIVE_INFINITY;
        double[] seg = new double[nFft], power = new double[bins];
        for (int t = 0; t < frames; t++) {
            for (int j = 0; j < nFft; j++) {
                seg[j] = padded[t * hop + j] * win[j];
            }
            for (int k = 0; k < bins; k++) {
                double re = 0, im = 0;
                for (int j = 0; j < nFft; j++) {
                    re += seg[j] * cosT[k][j];
                    im -= seg[j] * sinT[k][j];
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < nMels; m++) {
                double s = 0;
                for (int k = 0; k < bins; k++) {
                    s += fb[k][m] * power[k];
                }
                log[m][t] = Math.log10(Math.max(s, 1e-10));
                max = Math.max(max, log[m][t]);
            }
        }
        for (double[] row : log) {
            for (int t = 0; t < row.length; t++) {
                row[t] = (Math.max(row[t], max - 8) + 4) / 4;
            }
        }
        return log;
    }

    /** numpy.pad(mode="reflect") index, computed by repeated mirroring (not by a modulus). */
    static int numpyReflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
    }

    static double[][] filters(int nMels, int bins) {
        double fMax = 8000;
        double[] fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++) {
            fftFreqs[k] = fMax * k / (bins - 1);
        }
        double[] pts = new double[nMels + 2];
        double melMax = mel(fMax);
        for (int i = 0; i < pts.length; i++) {
            pts[i] = hz(melMax * i / (nMels + 1));
        }
        double[][] w = new double[bins][nMels];
        for (int m = 0; m < nMels; m++) {
            double dLow = pts[m + 1] - pts[m], dHigh = pts[m + 2] - pts[m + 1];
            double enorm = 2.0 / (pts[m + 2] - pts[m]);
            for (int k = 0; k < bins; k++) {
                double lower = (fftFreqs[k] - pts[m]) / dLow;
                double upper = (pts[m + 2] - fftFreqs[k]) / dHigh;
                w[k][m] = Math.max(0, Math.min(lower, upper)) * enorm;
            }
        }
        return w;
    }

    private static double mel(double f) {
        double fSp = 200.0 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
        return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logStep : f / fSp;
    }

    private static double hz(double m) {
        double fSp = 200.0 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
        return m >= minLogMel ? minLogHz * Math.exp(logStep * (m - minLogMel)) : fSp * m;
    }
}
