package ai.ominix.kernel;

import ai.ominix.kernel.cpu.CpuBackend;
import ai.ominix.kernel.mlx.MlxBackend;
import java.util.logging.Logger;

/** Opens a {@link Backend} by name: "cpu", "mlx" or "auto". */
public final class Backends {

    private static final Logger LOG = Logger.getLogger(Backends.class.getName());

    private Backends() {}

    /**
     * @param kind    "cpu" (pure Java), "mlx" (MLX through mlx-c: fails fast, saying why, when
     *                mlx-c cannot be loaded) or "auto" (MLX when the library loads and computes,
     *                otherwise the CPU backend; the choice and the reason are logged)
     * @param threads kernel threads for the CPU backend; {@code <= 0} means all cores
     * @throws KernelException for an unknown kind or a backend this machine cannot open
     */
    public static Backend open(String kind, int threads) {
        return switch (kind == null ? "" : kind.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> new CpuBackend(threads);
            case "mlx" -> MlxBackend.open();
            case "auto" -> auto(threads);
            default -> throw new KernelException("unknown backend '" + kind + "' (expected auto, cpu or mlx)");
        };
    }

    private static Backend auto(int threads) {
        try {
            MlxBackend mlx = MlxBackend.open();
            LOG.info(() -> "backend auto: using MLX, " + mlx.describe());
            return mlx;
        } catch (KernelException e) {
            String reason = e.getMessage().lines().findFirst().orElse("");
            LOG.info(() -> "backend auto: using the CPU backend; " + reason);
            return new CpuBackend(threads);
        }
    }
}
