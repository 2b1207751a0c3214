package ai.ominix.kernel.mlx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.KernelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening MLX where mlx-c cannot be loaded fails fast with a KernelException that says what is
 * wrong and how to build the library. Runs in a child JVM (the library is loaded once per process),
 * so it runs whether or not this machine has mlx-c.
 */
class MlxBackendUnavailableTest {

    @TempDir
    Path tmp;

    /** The child: opens the backend and prints the outcome. */
    public static void main(String[] args) {
        try {
            MlxBackend.open().close();
            System.out.println("OPENED");
        } catch (KernelException e) {
            System.out.println("KernelException: " + e.getMessage());
        }
    }

    private String openWith(String mlxCLibrary) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MlxBackendUnavailableTest.class.getName());
        pb.environment().put("MLX_C_LIBRARY", mlxCLibrary);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
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
