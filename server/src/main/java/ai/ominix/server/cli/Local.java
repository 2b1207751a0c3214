package ai.ominix.server.cli;

import ai.ominix.server.ModelResolver;
import ai.ominix.server.OminixEnv;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.engine.ModelKind;
import ai.ominix.server.hub.Downloads;
import ai.ominix.server.hub.HubClient;
import ai.ominix.server.store.ModelInfo;
import ai.ominix.server.store.ModelMetadata;
import ai.ominix.server.store.ModelStore;

import java.nio.file.Path;

/** What the offline commands share: the environment, the model store, downloads and resolution. */
final class Local implements AutoCloseable {
    final OminixEnv env;
    final ModelStore store;
    final Downloads downloads;
    final ModelResolver resolver;

    Local(OminixEnv env, Path modelsDir) {
        this.env = env;
        this.store = new ModelStore(modelsDir != null ? modelsDir : env.defaultModelsDir(), env.hubCache(),
                new ModelMetadata(env.configFile()));
        this.downloads = new Downloads(new HubClient(env.hubEndpoint(), env.hubToken()), store);
        this.resolver = new ModelResolver(store, downloads, new ProgressBar(System.err)::show);
    }

    static Local fromEnvironment() {
        return new Local(OminixEnv.system(), null);
    }

    /** The model a command names, or the first model of that kind on disk. */
    ModelRegistry.Resolved model(String spec, ModelKind kind, String flagHint) {
        if (spec != null) return resolver.resolve(spec, kind);
        for (ModelInfo m : store.list()) {
            try {
                if (EngineLoaders.kindOf(m.path()) == kind) return new ModelRegistry.Resolved(m.path(), m.id(), m.repoId());
            } catch (RuntimeException e) {
                // Not a model we can run: skip it.
            }
        }
        throw new CliException("no " + kind.description() + " model found in " + store.modelsDir()
                + " or the Hugging Face cache; pass " + flagHint + " DIR|ID|owner/name, or pull one with 'ominix pull'");
    }

    @Override
    public void close() {
        downloads.close();
    }
}
