package ai.ominix.server.cli;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.kernel.Backend;
import ai.ominix.server.StandardParts;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.engine.ModelKind;
import ai.ominix.server.http.ChatParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Answer one prompt with the chat model in this process, streaming the answer to stdout.")
public final class ChatCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR|ID", description = "Chat model (default: the first one found).")
    String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "System message.")
    String system;

    @Option(names = "--temperature", paramLabel = "X", description = "Sampling temperature, 0 = greedy (default: 0.7).")
    Double temperature;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Maximum tokens of the answer (default: 2048).")
    Integer maxTokens;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or mlx (default: ${DEFAULT-VALUE}).")
    String backend;

    @Parameters(paramLabel = "PROMPT", description = "The user message.")
    String prompt;

    @Override
    public Integer call() {
        ChatParams.Defaults d = ChatParams.Defaults.standard();
        ChatParams.Defaults opts = new ChatParams.Defaults(temperature != null ? temperature : d.temperature(), d.topP(),
                maxTokens != null ? maxTokens : d.maxTokens(), false);
        List<ChatEngine.Message> messages = new ArrayList<>();
        if (system != null) messages.add(new ChatEngine.Message("system", system));
        messages.add(new ChatEngine.Message("user", prompt));
        // The backend first: --backend mlx without mlx-c fails before any model is pulled.
        try (Backend b = StandardParts.backends().open(backend);
             Local local = Local.fromEnvironment()) {
            ModelRegistry.Resolved m = local.model(model, ModelKind.CHAT, "--model");
            try (ChatEngine engine = EngineLoaders.standard().loadChat(m.dir(), b)) {
                engine.generate(new ChatEngine.Request(messages, opts.temperature(), opts.topP(), opts.maxTokens(),
                        List.of(), null, opts.noThink()), Cancellation.none(), new ChatEngine.TextSink() {
                            @Override
                            public void accept(String piece) {
                                System.out.print(piece);
                                System.out.flush();
                            }

                            /** The think block goes to stderr: stdout stays the answer alone, for pipes. */
                            @Override
                            public void reasoning(String piece) {
                                System.err.print(piece);
                                System.err.flush();
                            }
                        });
                System.out.println();
            }
        }
        return 0;
    }
}
