package ai.ominix.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.sala.TinySala;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's plumbing on the tiny checkpoint (no timing is asserted): every row is measured and reported. */
class SalaBenchTest {

    @Test
    void reportsEveryRowOnTheTinyModel(@TempDir Path dir) throws Exception {
        TinySala.write(dir, TinySala.Format.Q8, false);
        try (Backend backend = Backends.open("cpu", 1)) {
            SalaBench.Report r = SalaBench.run(backend, dir, 1, new int[] {40, 70}, 3, 600, 16 << 20);
            assertEquals(2, r.prefills().size());
            assertEquals(600, r.longDecode().context(), "long-context decode starts from a synthetic 600-token state");
            assertTrue(r.shortDecode().tokensPerSecond() > 0 && r.longDecode().tokensPerSecond() > 0);
            assertTrue(r.readBandwidth() > 0 && r.fmaPeak() > 0 && r.peakRss() > 0);
            long fileBytes = java.nio.file.Files.size(dir.resolve("model.safetensors"));
            assertTrue(r.bytesPerToken() > 0 && r.bytesPerToken() < fileBytes, "the embedding table is not read per token");
            String table = SalaBench.format(r);
            System.out.println(table);
            assertTrue(table.contains("prefill 40") && table.contains("decode at context 600"), table);
        }
    }

    @Test
    void flopsPerTokenCountTheRealModelsWeights() {
        double flops = SalaBench.flopsPerToken(RealShapes.minicpmSala9b());
        // 24 × 285.2 M + 8 × 253.7 M + lm_head 300.8 M weights (§1), 2 FLOPs each
        assertEquals(2 * (24 * 285.2e6 + 8 * 253.7e6 + 300.8e6), flops, 2 * 0.2e6 * 33);
    }
}
