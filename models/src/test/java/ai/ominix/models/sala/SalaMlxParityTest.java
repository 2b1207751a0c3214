package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.cpu.CpuBackend;
import ai.ominix.kernel.mlx.MlxBackend;
import ai.ominix.mlx.RequiresMlx;
import ai.ominix.tokenizer.Tokenizers;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tiny MiniCPM-SALA checkpoints on MLX and on the CPU backend, through the golden cases of
 * {@link SalaGoldenTest} (prefill in the cases' call sizes, then greedy decoding): the same greedy
 * tokens on both backends and as the float64 reference, and MLX's logits after every call within
 * the golden test's tolerance of the reference. Skipped, with the reason printed, where mlx-c is
 * not available.
 */
@RequiresMlx
class SalaMlxParityTest {

    @ParameterizedTest
    @EnumSource(TinySala.Format.class)
    void sameGreedyTokensOnBothBackends(TinySala.Format format, @TempDir Path dir) throws Exception {
        JsonNode golden = SalaGoldenTest.golden(format);
        TinySala.Written w = TinySala.write(dir, format, false);
        var tok = Tokenizers.load(dir);
        List<SalaGoldenCases> cases = format == TinySala.Format.Q8 ? SalaGoldenCases.full(tok, w) : SalaGoldenCases.small(tok, w);
        try (Backend cpuBackend = new CpuBackend(2); MlxBackend mlxBackend = MlxBackend.open();
                SalaModel cpu = SalaModel.load(dir, cpuBackend); SalaModel mlx = SalaModel.load(dir, mlxBackend)) {
            for (int i = 0; i < cases.size(); i++) {
                SalaGoldenCases c = cases.get(i);
                JsonNode g = golden.get("cases").get(i);
                assertEquals(c.name(), g.get("name").asText(), "cases changed: regenerate the goldens");
                SalaGoldenTest.Run onMlx = SalaGoldenTest.run(mlx, c);
                SalaGoldenTest.Run onCpu = SalaGoldenTest.run(cpu, c);
                assertEquals(onCpu.tokens(), onMlx.tokens(), format + " " + c.name() + ": greedy tokens, CPU vs MLX");
                List<Integer> reference = new ArrayList<>();
                g.get("tokens").forEach(n -> reference.add(n.asInt()));
                assertEquals(reference, onMlx.tokens(), format + " " + c.name() + ": greedy tokens, reference vs MLX");
                for (int s = 0; s < onMlx.logits().size(); s++) {
                    SalaGoldenTest.assertClose(SalaGoldenTest.decode(g.get("logits").get(s).asText()), onMlx.logits().get(s),
                            format + " " + c.name() + " step " + s + " on MLX");
                }
            }
        }
    }
}
