package ai.ominix.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Delete a model from the models directory (never from the Hugging Face cache).")
public final class RmCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The model id (its directory name, as 'ominix models' shows).")
    String id;

    @Override
    public Integer call() {
        try (Local local = Local.fromEnvironment()) {
            local.store.delete(id);
            System.out.println("deleted " + id);
        }
        return 0;
    }
}
