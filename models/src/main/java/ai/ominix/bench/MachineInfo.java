package ai.ominix.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;

/**
 * The machine a benchmark ran on, as every report states it: CPU model, logical CPUs, OS, JDK, the
 * Vector API's preferred width and the heap limit.
 */
public record MachineInfo(String cpuModel, int logicalCpus, String os, String arch, String jdk, int vectorBits,
                          long maxHeapBytes) {

    public static MachineInfo current() {
        return new MachineInfo(detectCpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor", "") + " " + Runtime.version(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), Runtime.getRuntime().maxMemory());
    }

    /** The one-minute system load average (other processes competing for the cores), or NaN where unknown. */
    public static double loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? Double.NaN : l;
    }

    /** Linux {@code /proc/cpuinfo} "model name" (or "Hardware"/"CPU part" on ARM), macOS {@code sysctl}, else the architecture. */
    static String detectCpuModel() {
        String fromProc = cpuModelFrom(Path.of("/proc/cpuinfo"));
        if (fromProc != null) return fromProc;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac")) {
            String brand = command("sysctl", "-n", "machdep.cpu.brand_string");
            if (brand != null && !brand.isBlank()) return brand.strip();
        }
        return System.getProperty("os.arch");
    }

    static String cpuModelFrom(Path cpuinfo) {
        if (!Files.isReadable(cpuinfo)) return null;
        try {
            String fallback = null;
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (value.isEmpty()) continue;
                if (key.equals("model name")) return value;
                if (fallback == null && (key.equals("Hardware") || key.equals("CPU part"))) fallback = value;
            }
            return fallback;
        } catch (IOException e) {
            return null;
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
