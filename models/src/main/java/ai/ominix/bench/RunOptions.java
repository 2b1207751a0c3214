package ai.ominix.bench;

/**
 * What every model benchmark is told.
 *
 * @param backend "cpu", "mlx" or "auto"
 * @param threads CPU backend kernel threads; 0 = all cores
 * @param warmup  unrecorded runs before the measured ones
 * @param repeat  measured runs (min, median and max are reported)
 * @param bandwidthBytes size of the buffer the read-bandwidth ceiling streams: far beyond any last-level cache
 */
public record RunOptions(String backend, int threads, int warmup, int repeat, long bandwidthBytes) {

    /** The read-bandwidth buffer the commands use unless told otherwise. */
    public static final long DEFAULT_BANDWIDTH_BYTES = 1L << 30;

    public RunOptions {
        if (threads < 0) throw new IllegalArgumentException("--threads must be 0 (all cores) or more, got " + threads);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmup);
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        if (bandwidthBytes < 1 << 20) throw new IllegalArgumentException("the bandwidth buffer must be at least 1 MiB");
    }
}
