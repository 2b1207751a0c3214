package ai.ominix.audio;

/** Measurements shared by the tests. */
final class Signals {

    private Signals() {
    }

    /** Pearson-free normalised correlation Σab / sqrt(Σa² Σb²) over the common prefix, b shifted by lag. */
    static double correlation(float[] a, float[] b, int lag) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
            double x = a[i], y = b[i + lag];
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    /** The lag in [-maxLag, maxLag] where b best matches a. */
    static int bestLag(float[] a, float[] b, int maxLag) {
        int best = 0;
        double bestCorr = -2;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double c = correlation(a, b, lag);
            if (c > bestCorr) {
                bestCorr = c;
                best = lag;
            }
        }
        return best;
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(s / Math.max(1, to - from));
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }
}
