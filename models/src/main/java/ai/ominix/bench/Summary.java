package ai.ominix.bench;

import java.util.Arrays;

/**
 * Minimum, median and maximum of repeated measurements of one quantity (NaN values, i.e. "not
 * measured in that run", are left out). For times the minimum is the best run; for rates the
 * maximum is. The median of an even count is the mean of the two middle values.
 */
public record Summary(double min, double median, double max, int count) {

    public static Summary of(double... values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Summary(v[0], median, v[n - 1], n);
    }
}
