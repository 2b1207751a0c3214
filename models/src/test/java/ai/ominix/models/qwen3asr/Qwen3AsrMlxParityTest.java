package ai.ominix.models.qwen3asr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.audio.LogMel.MelSpectrogram;
import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.cpu.CpuBackend;
import ai.ominix.kernel.mlx.MlxBackend;
import ai.ominix.mlx.RequiresMlx;
import ai.ominix.models.qwen3asr.TinyQwen3Asr.Variant;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tiny Qwen3-ASR checkpoints on MLX and on the CPU backend: the same greedy tokens for every
 * test clip, and encoder outputs and first-step logits within the reference test's 1e-4 relative
 * error of each other. Skipped, with the reason printed, where mlx-c is not available.
 */
@RequiresMlx
class Qwen3AsrMlxParityTest {

    private static final int TOKENS = 32;

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"Q8", "Q4", "BF16"})
    void sameGreedyTokensOnBothBackends(Variant variant, @TempDir Path dir) {
        TinyQwen3Asr.write(dir, variant);
        try (Backend cpuBackend = new CpuBackend(2); MlxBackend mlxBackend = MlxBackend.open();
                Qwen3Asr cpu = Qwen3Asr.load(dir, cpuBackend, Qwen3Asr.Settings.defaults());
                Qwen3Asr mlx = Qwen3Asr.load(dir, mlxBackend, Qwen3Asr.Settings.defaults())) {
            for (TestClips.Case c : TestClips.CASES) {
                String where = variant + "/" + c.name();
                MelSpectrogram mel = cpu.features(TestClips.samples(c.clip()));
                try (Scope s = Scope.open()) {
                    Tensor encCpu = cpu.encode(mel, Cancellation.none());
                    Tensor encMlx = mlx.encode(mel, Cancellation.none());
                    double encErr = Golden.relativeError(mlxBackend.toFloatArray(encMlx), cpuBackend.toFloatArray(encCpu));
                    assertTrue(encErr <= 1e-4, where + " encoder outputs differ by " + encErr);
                    Prompt prompt = cpu.prompt(encCpu.dim(0), c.context(), c.language());
                    double logitErr = Golden.relativeError(mlx.firstStepLogits(encMlx, prompt, Cancellation.none()),
                            cpu.firstStepLogits(encCpu, prompt, Cancellation.none()));
                    assertTrue(logitErr <= 1e-4, where + " first-step logits differ by " + logitErr);
                    assertArrayEquals(cpu.generate(encCpu, prompt, TOKENS, Cancellation.none()).tokens(),
                            mlx.generate(encMlx, prompt, TOKENS, Cancellation.none()).tokens(), where + " greedy tokens");
                }
            }
        }
    }
}
