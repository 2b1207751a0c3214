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

    private static final MethodHandle CLOCK_GETTIME = downcall("clock_gettime");
    private static final MethodHandle GETRUSAGE = downcall("getrusage");

    private ProcessStats() {}

    /** {@code int f(int, void*)} from the C library, or null where it is absent or native access is denied. */
    private static MethodHandle downcall(String name) {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(fn -> linker.downcallHandle(fn,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS))).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isMac() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
    }

    /**
     * CPU nanoseconds used by this process so far, or -1 where unknown: {@code clock_gettime(
     * CLOCK_PROCESS_CPUTIME_ID)} (nanosecond resolution), else the JVM's figure (on Linux counted in
     * 10 ms clock ticks).
     */
    public static long cpuNanos() {
        long clock = clockCpuNanos();
        return clock >= 0 ? clock : jvmCpuNanos();
    }

    static long jvmCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getProcessCpuTime();
            if (t >= 0) return t;
        }
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    static long clockCpuNanos() {
        MethodHandle clockGettime = CLOCK_GETTIME;
        if (clockGettime == null) return -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);   // struct timespec {time_t tv_sec; long tv_nsec;} on LP64
            int rc = (int) clockGettime.invokeExact(isMac() ? 12 : 2 /* CLOCK_PROCESS_CPUTIME_ID */, ts);
            if (rc != 0) return -1;
            return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
        } catch (Throwable t) {
            return -1;
        }
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
        MethodHandle getrusage = GETRUSAGE;
        if (getrusage == null) return -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment usage = arena.allocate(RUSAGE_BYTES, 8);
            int rc = (int) getrusage.invokeExact(0 /* RUSAGE_SELF */, usage);
            if (rc != 0) return -1;
            long maxRss = usage.get(ValueLayout.JAVA_LONG, MAXRSS_OFFSET);
            return isMac() ? maxRss : maxRss * 1024;
        } catch (Throwable t) {
            return -1;
        }
    }
}
