package ai.ominix.kernel;

import ai.ominix.kernel.cpu.CpuBackend;

/** Opens a {@link Backend} by name: "cpu", "mlx" or "auto". */
public final class Backends {

    private Backends() {}

    /**
     * @param kind    "cpu" (pure Java), "mlx" (MLX through mlx-c) or "auto" (the best available:
     *                the CPU backend in this build)
     * @param threads kernel threads for the CPU backend; {@code <= 0} means all cores
     * @throws KernelException for an unknown kind or a backend this build cannot open
     */
    public static Backend open(String kind, int threads) {
        return switch (kind == null ? "" : kind.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "cpu", "auto" -> new CpuBackend(threads);
            case "mlx" -> throw new KernelException("the MLX backend is not available in this build (use --backend cpu)");
            default -> throw new KernelException("unknown backend '" + kind + "' (expected auto, cpu or mlx)");
        };
    }
}
