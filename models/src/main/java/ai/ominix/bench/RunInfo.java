package ai.ominix.bench;

import java.time.Instant;

/**
 * Where, when and how one benchmark invocation ran: common to every report.
 *
 * @param bench       "asr", "chat" or "kernels"
 * @param command     the command line that reproduces it
 * @param seconds     wall time of the whole invocation (loading and warm-up included)
 * @param loadStart   system load average when it started (NaN where unknown)
 * @param loadEnd     system load average when it ended
 * @param backend     the backend's name as it reports it ("cpu", "mlx-cpu", "mlx-gpu" ...)
 * @param threads     CPU backend kernel threads (the CPU backend's own count; MLX manages its own)
 */
public record RunInfo(String bench, String command, Instant startedAt, double seconds, MachineInfo machine,
                      double loadStart, double loadEnd, String backend, int threads) {

    /** Starts the clock and notes the load; {@link #finish} makes the record. */
    public static Started start(String bench, String command) {
        return new Started(bench, command, Instant.now(), System.nanoTime(), MachineInfo.loadAverage());
    }

    public record Started(String bench, String command, Instant startedAt, long startNanos, double loadStart) {
        public RunInfo finish(String backend, int threads) {
            return new RunInfo(bench, command, startedAt, (System.nanoTime() - startNanos) / 1e9, MachineInfo.current(),
                    loadStart, MachineInfo.loadAverage(), backend, threads);
        }
    }
}
