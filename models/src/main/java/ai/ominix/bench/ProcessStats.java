package ai.ominix.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What this process has used so far: CPU time summed over all its threads (kernel pool, JIT and GC
 * included, as {@code time} counts it) and the peak resident set size. Both are process-wide
 * high-water or running totals, so a benchmark takes differences of {@link #cpuNanos()} around the
 * phase it measures and reads {@link #peakRssBytes()} at the end.
 */
public final class ProcessStats {

    /** {@code struct rusage} is 144 bytes on Linux and macOS (LP64); the buffer leaves room. */
    private static final long RUSAGE_BYTES = 256;
    /** {@code ru_maxrss} follows the two {@code struct timeval}s (16 bytes each on LP64). */
    private static final long MAXRSS_OFFSET = 32;

    private ProcessStats() {}

    /** CPU nanoseconds used by this process so far, or -1 where the JVM cannot tell. */
    public static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getProcessCpuTime();
            if (t >= 0) return t;
        }
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * The most resident memory this process has held (weights mapped from files included): Linux
     * {@code VmHWM} from {@code /proc/self/status}, elsewhere {@code getrusage(RUSAGE_SELF).ru_maxrss}.
     * -1 where neither is available.
     */
    public static long peakRssBytes() {
        long hwm = vmHwmBytes(Path.of("/proc/self/status"));
        return hwm >= 0 ? hwm : rusageMaxRssBytes();
    }

    /** {@code VmHWM} of a {@code /proc/<pid>/status} file in bytes, -1 when absent. */
    static long vmHwmBytes(Path status) {
        if (!Files.isReadable(status)) return -1;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** {@code ru_maxrss} in bytes (macOS reports bytes, Linux and the BSDs kibibytes); -1 on failure. */
    static long rusageMaxRssBytes() {
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MemorySegment fn = linker.defaultLookup().find("getrusage").orElse(null);
            if (fn == null) return -1;
            MethodHandle getrusage = linker.downcallHandle(fn,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MemorySegment usage = arena.allocate(RUSAGE_BYTES, 8);
            int rc = (int) getrusage.invokeExact(0 /* RUSAGE_SELF */, usage);
            if (rc != 0) return -1;
            long maxRss = usage.get(ValueLayout.JAVA_LONG, MAXRSS_OFFSET);
            boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
            return mac ? maxRss : maxRss * 1024;
        } catch (Throwable t) {
            // no native access granted, or no such symbol: the figure is simply unknown
            return -1;
        }
    }
}
