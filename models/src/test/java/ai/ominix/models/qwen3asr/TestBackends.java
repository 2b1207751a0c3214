package ai.ominix.models.qwen3asr;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.kernel.KernelException;
import java.util.ArrayList;
import java.util.List;

/** The backends present on this machine: the CPU backend always, MLX where libmlxc loads. */
final class TestBackends {

    private static final int THREADS = 2;

    private TestBackends() {}

    static List<String> kinds() {
        List<String> kinds = new ArrayList<>(List.of("cpu"));
        try (Backend mlx = Backends.open("mlx", THREADS)) {
            kinds.add("mlx");
        } catch (KernelException | UnsatisfiedLinkError e) {
            // not built for this machine: the CPU backend is still tested
        }
        return kinds;
    }

    static Backend open(String kind) {
        return Backends.open(kind, THREADS);
    }
}
