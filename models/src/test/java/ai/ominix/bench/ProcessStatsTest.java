package ai.ominix.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The process and machine facts every report carries. */
class ProcessStatsTest {

    @Test
    void cpuTimeGrowsWithWork() {
        long before = ProcessStats.cpuNanos();
        double x = 0;
        for (int i = 0; i < 50_000_000; i++) x += Math.sqrt(i);
        long after = ProcessStats.cpuNanos();
        assertTrue(x > 0);
        assertTrue(before >= 0 && after > before, before + " -> " + after);
    }

    @Test
    void nanosecondClockAgreesWithTheJvmsTickCount() {
        double x = 0;
        for (int i = 0; i < 20_000_000; i++) x += Math.sqrt(i);
        long clock = ProcessStats.clockCpuNanos();
        long jvm = ProcessStats.jvmCpuNanos();
        assertTrue(x > 0 && clock > 0 && jvm > 0, clock + " " + jvm);
        // the JVM counts 10 ms ticks and is read a moment later
        assertEquals(jvm, clock, 0.05 * jvm + 50_000_000);
    }

    @Test
    void peakRssCoversMemoryTouched() {
        byte[] block = new byte[64 << 20];
        for (int i = 0; i < block.length; i += 4096) block[i] = 1;
        assertTrue(ProcessStats.peakRssBytes() > 64L << 20, "peak RSS " + ProcessStats.peakRssBytes());
        assertEquals(1, block[4096]);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void getrusageAgreesWithProcStatus() {
        long hwm = ProcessStats.vmHwmBytes(Path.of("/proc/self/status"));
        long rusage = ProcessStats.rusageMaxRssBytes();
        assertTrue(hwm > 0 && rusage > 0, hwm + " " + rusage);
        // both are the same kernel counter read at slightly different times
        assertEquals(hwm, rusage, 0.05 * hwm + (8 << 20));
    }

    @Test
    void parsesStatusAndCpuinfoFiles(@TempDir Path dir) throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n");
        assertEquals(123456L * 1024, ProcessStats.vmHwmBytes(status));
        assertEquals(-1, ProcessStats.vmHwmBytes(dir.resolve("missing")));
        Path x86 = Files.writeString(dir.resolve("x86"), "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9654\n");
        assertEquals("AMD EPYC 9654", MachineInfo.cpuModelFrom(x86));
        Path arm = Files.writeString(dir.resolve("arm"), "processor\t: 0\nCPU part\t: 0xd0c\n\nHardware\t: BCM2835\n");
        assertEquals("0xd0c", MachineInfo.cpuModelFrom(arm));
        assertNull(MachineInfo.cpuModelFrom(Files.writeString(dir.resolve("empty"), "")));
        MachineInfo m = MachineInfo.current();
        assertTrue(m.logicalCpus() > 0 && m.vectorBits() >= 64 && !m.cpuModel().isBlank() && m.jdk().contains("25"), m.toString());
    }
}
