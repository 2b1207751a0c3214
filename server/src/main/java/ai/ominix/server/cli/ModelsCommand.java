package ai.ominix.server.cli;

import ai.ominix.server.store.ModelInfo;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models in the models directory and the Hugging Face cache.")
public final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        try (Local local = Local.fromEnvironment()) {
            List<ModelInfo> models = local.store.list();
            if (models.isEmpty()) {
                System.out.println("no models in " + local.store.modelsDir() + " (pull one with 'ominix pull owner/name')");
                return 0;
            }
            String fmt = "%-40s %-16s %10s %-9s %-10s %s%n";
            System.out.printf(Locale.ROOT, fmt, "ID", "OWNER", "SIZE", "QUANT", "SOURCE", "PATH");
            for (ModelInfo m : models) {
                String q = m.quantization() == null ? "-" : m.quantization().bits() + "bit/" + m.quantization().groupSize();
                System.out.printf(Locale.ROOT, fmt, m.id(), m.ownedBy(), ProgressBar.mib(m.sizeBytes()).replace(" MiB", "M"),
                        q, m.source(), m.path());
            }
        }
        return 0;
    }
}
