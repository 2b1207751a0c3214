package ai.ominix.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine's limits measured in the same process right before a model benchmark
 * (PERFORMANCE.md): read bandwidth, which bounds single-stream decode, and register f32 FMA
 * throughput, which bounds prefill and the audio encoder. Both with the benchmark's thread count.
 *
 * @param readBandwidth bytes per second
 * @param fmaPeak       FLOP per second
 */
public record Ceilings(double readBandwidth, double fmaPeak) {

    /** Best of several repetitions; {@code bandwidthBytes} should be far beyond the last-level cache. */
    public static Ceilings measure(int threads, long bandwidthBytes) {
        return new Ceilings(Roofline.readBandwidth(threads, bandwidthBytes, 5), Roofline.fmaPeak(threads, 5));
    }

    /** The report's {@code ceilings} object. */
    public Map<String, Double> fields() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("read_bandwidth_gb_s", readBandwidth / 1e9);
        m.put("fma_peak_gflop_s", fmaPeak / 1e9);
        return m;
    }
}
