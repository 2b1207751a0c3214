package ai.ominix.bench;

/**
 * One quantity a benchmark reports per run.
 *
 * @param key   the JSON field name (stable; documented in BENCHMARKS.md)
 * @param label what the readable table calls it
 * @param unit  its unit in the table ("s", "tok/s", "GiB" ...); {@link #scale} converts the JSON value to it
 * @param scale factor from the JSON value to the table's unit (JSON keeps SI base units: seconds, bytes)
 */
public record Metric(String key, String label, String unit, double scale) {

    public Metric(String key, String label, String unit) {
        this(key, label, unit, 1);
    }
}
