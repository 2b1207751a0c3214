package ai.ominix.audio.dsp;

/**
 * Triangular mel filters on the Slaney scale with Slaney area normalisation, as librosa's
 * {@code mel(htk=False, norm="slaney")} and transformers' {@code mel_filter_bank(norm="slaney",
 * mel_scale="slaney")} build them: {@code nMels + 2} points equally spaced in mel between
 * {@code fMin} and {@code fMax}, triangles in Hz, each scaled by 2 / (f[i+2] − f[i]).
 * Stored sparsely: filter m is non-zero on FFT bins [first[m], first[m] + weights[m].length).
 */
public final class MelFilterBank {

    private final int[] first;
    private final double[][] weights;

    public MelFilterBank(int nMels, int nFft, int sampleRate, double fMin, double fMax) {
        int bins = nFft / 2 + 1;
        double melMin = hzToMel(fMin), melMax = hzToMel(fMax);
        double[] f = new double[nMels + 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = melToHz(melMin + (melMax - melMin) * i / (nMels + 1));
        }
        first = new int[nMels];
        weights = new double[nMels][];
        for (int m = 0; m < nMels; m++) {
            double lo = f[m], mid = f[m + 1], hi = f[m + 2];
            double norm = 2 / (hi - lo);
            double[] w = new double[bins];
            int a = bins, b = -1;
            for (int k = 0; k < bins; k++) {
                double hz = (double) k * sampleRate / nFft;
                double v = Math.max(0, Math.min((hz - lo) / (mid - lo), (hi - hz) / (hi - mid)));
                if (v > 0) {
                    w[k] = v * norm;
                    a = Math.min(a, k);
                    b = k;
                }
            }
            first[m] = b < 0 ? 0 : a;
            weights[m] = b < 0 ? new double[0] : java.util.Arrays.copyOfRange(w, a, b + 1);
        }
    }

    public int size() {
        return first.length;
    }

    /** Filter m applied to a power spectrum. */
    public double apply(int m, double[] power) {
        double[] w = weights[m];
        int k0 = first[m];
        double s = 0;
        for (int k = 0; k < w.length; k++) {
            s += w[k] * power[k0 + k];
        }
        return s;
    }

    /** Slaney mel scale: linear below 1 kHz (3 mel per 200 Hz), logarithmic above. */
    static double hzToMel(double hz) {
        return hz < 1000 ? hz * 3 / 200 : 15 + Math.log(hz / 1000) * 27 / Math.log(6.4);
    }

    static double melToHz(double mel) {
        return mel < 15 ? mel * 200 / 3 : 1000 * Math.exp((mel - 15) * Math.log(6.4) / 27);
    }
}
