package ai.ominix.mlx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryLocatorTest {

    @TempDir
    Path tmp;

    private static LibraryLocator locator(Map<String, String> env, Map<String, String> props, Path workDir) {
        return new LibraryLocator(env::get, props::get, workDir);
    }

    private Path touch(Path dir) throws Exception {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(LibraryLocator.FILE_NAME), "x");
    }

    @Test
    void looksInTheDocumentedOrder() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        var loc = locator(Map.of("MLX_C_LIBRARY", "/env/libmlxc.so"),
                Map.of("mlx.library.path", "/prop/dir", "java.library.path", a + File.pathSeparator + b), tmp);
        List<String> files = loc.candidates().stream().map(c -> c.file().toString()).toList();
        String name = LibraryLocator.FILE_NAME;
        assertEquals(List.of("/env/libmlxc.so", "/prop/dir", tmp.resolve("native/build/lib/" + name).toString(),
                tmp.resolve("native/build/" + name).toString(), "/opt/homebrew/lib/" + name, "/usr/local/lib/" + name,
                "/opt/mlxc/lib/" + name, a.resolve(name).toString(), b.resolve(name).toString()), files);
    }

    @Test
    void nativeBuildWinsOverLaterLocations() throws Exception {
        Path inBuild = touch(tmp.resolve("native/build/lib"));
        Path inJlp = touch(tmp.resolve("jlp"));
        var loc = locator(Map.of(), Map.of("java.library.path", inJlp.getParent().toString()), tmp);
        assertEquals(inBuild, loc.find().orElseThrow().file());
    }

    @Test
    void propertyMayNameADirectory() throws Exception {
        Path lib = touch(tmp.resolve("custom"));
        var loc = locator(Map.of(), Map.of("mlx.library.path", lib.getParent().toString()), tmp);
        assertEquals(lib, loc.find().orElseThrow().file());
    }

    @Test
    void explicitLocationThatDoesNotExistIsAnError() {
        var loc = locator(Map.of("MLX_C_LIBRARY", tmp.resolve("missing.so").toString()), Map.of(), tmp);
        var e = assertThrows(MlxUnavailableException.class, loc::find);
        assertTrue(e.getMessage().contains("MLX_C_LIBRARY points to " + tmp.resolve("missing.so")), e.getMessage());
        assertTrue(e.getMessage().contains("scripts/build-mlx"), e.getMessage());
    }

    @Test
    void notFoundMessageSaysWhereItLookedAndHowToBuild() {
        var loc = locator(Map.of(), Map.of("java.library.path", tmp.resolve("jlp").toString()), tmp);
        String msg = loc.notFoundMessage();
        for (var c : loc.candidates()) assertTrue(msg.contains(c.file().toString()), msg);
        assertTrue(msg.contains("scripts/build-mlx") && msg.contains("MLX_C_LIBRARY"), msg);
    }
}
