package ai.ominix.kernel.mlx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.KernelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where mlx-c cannot be loaded, {@code --backend mlx} fails fast with a KernelException that says
 * what is wrong and how to build the library, and {@code --backend auto} falls back to the CPU
 * backend and logs why. Runs in child JVMs (the library is loaded once per process), so it runs
 * whether or not this machine has mlx-c.
 */
class MlxBackendUnavailableTest {

    @TempDir
    Path tmp;

    /** The child: opens backend {@code args[0]} and prints the outcome. */
    public static void main(String[] args) {
        try (Backend b = Backends.open(args[0], 1)) {
            System.out.println("OPENED " + b.name());
        } catch (KernelException e) {
            System.out.println("KernelException: " + e.getMessage());
        }
    }

    private String openWith(String mlxCLibrary) throws Exception {
        return open("mlx", mlxCLibrary);
    }

    private String open(String kind, String mlxCLibrary) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MlxBackendUnavailableTest.class.getName(), kind);
        pb.environment().put("MLX_C_LIBRARY", mlxCLibrary);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void autoFallsBackToTheCpuBackendAndSaysWhy() throws Exception {
        String out = open("auto", tmp.resolve("libmlxc.so").toString());
        assertTrue(out.contains("OPENED cpu"), out);
        assertTrue(out.contains("backend auto: using the CPU backend; the MLX backend is unavailable: MLX_C_LIBRARY points to"),
                out);
    }

    @Test
    void aMissingLibrarySaysWhereAndHowToBuild() throws Exception {
        String out = openWith(tmp.resolve("libmlxc.so").toString());
        assertTrue(out.startsWith("KernelException: the MLX backend is unavailable: MLX_C_LIBRARY points to "), out);
        assertTrue(out.contains("scripts/build-mlx"), out);
    }

    @Test
    void aFileThatIsNotALibraryIsRefusedNotCrashed() throws Exception {
        Path fake = Files.writeString(tmp.resolve("libmlxc.so"), "not an ELF or Mach-O file");
        String out = openWith(fake.toString());
        // (the JVM itself may print a warning about the file first)
        assertTrue(out.contains("KernelException: the MLX backend is unavailable: cannot load " + fake), out);
        assertFalse(out.contains("\tat "), "no stack trace: " + out);
    }
}
