package ai.ominix.mlx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.ominix.mlx.c.CSymbols;
import ai.ominix.mlx.tools.BindingGenerator;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bindings against the real library: every symbol resolves and links, and they match its headers. */
@RequiresMlx
class BoundSymbolsTest {

    @Test
    void everyBoundSymbolResolvesInTheLibrary() {
        SymbolLookup lookup = SymbolLookup.libraryLookup(MlxLibrary.path(), Arena.ofAuto());
        List<String> missing = new ArrayList<>();
        for (String s : CSymbols.ALL) {
            if (lookup.find(s).isEmpty()) missing.add(s);
        }
        assertEquals(List.of(), missing, "symbols missing from " + MlxLibrary.path());
        assertTrue(CSymbols.ALL.size() > 100, "expected the full binding set, got " + CSymbols.ALL.size());
    }

    @Test
    void everyGeneratedClassLinksItsDowncalls() throws Exception {
        for (String header : BindingGenerator.SELECTION.keySet()) {
            // Class initialization creates every downcall handle of the header (linking each descriptor).
            Class.forName("ai.ominix.mlx.c." + BindingGenerator.className(header), true, getClass().getClassLoader());
        }
    }

    @Test
    void committedBindingsEqualWhatTheLibrarysHeadersGenerate() throws Exception {
        Path include = MlxLibrary.path().getParent().resolveSibling("include");
        assumeTrue(Files.isDirectory(include.resolve("mlx/c")),
                "no mlx-c headers next to " + MlxLibrary.path() + " (expected " + include + "/mlx/c)");
        Path sources = Path.of("src/main/java");
        for (Map.Entry<String, String> e : BindingGenerator.generate(include).entrySet()) {
            assertEquals(e.getValue(), Files.readString(sources.resolve(e.getKey())),
                    e.getKey() + " differs from what the headers in " + include + " generate");
        }
    }

    @Test
    void reportsTheMlxVersionItWasBuiltWith() {
        assertTrue(MlxLibrary.mlxVersion().matches("\\d+\\.\\d+\\.\\d+.*"), MlxLibrary.mlxVersion());
    }
}
