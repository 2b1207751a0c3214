package ai.ominix.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.models.sala.TinySala;
import ai.ominix.server.engine.EngineLoaders;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real MiniCPM-SALA engine (tiny checkpoint in the MLX layout, CPU backend) behind the real
 * server, driven by the official OpenAI Java SDK: plain and streamed answers equal what the engine
 * itself produces for the same request.
 */
class SalaEndToEndTest {

    private static final String MODEL = "minicpm-sala-tiny";
    /** A conversation the tiny model answers at length (no early EOS), so streaming has many deltas. */
    private static final List<ChatEngine.Message> CONVERSATION = List.of(
            new ChatEngine.Message("system", "You are a helpful assistant."),
            new ChatEngine.Message("user", "Can you tell me the time?"),
            new ChatEngine.Message("assistant", "It's half past three in the afternoon."),
            new ChatEngine.Message("user", "Thank you very much for your help!"));

    @TempDir
    static Path root;
    static OminixServer server;
    static OpenAIClient client;
    static Backend direct;
    static SalaChatEngine engine;

    @BeforeAll
    static void start() throws Exception {
        OminixEnv env = new OminixEnv(Map.of("OMINIX_HOME", root.resolve("home").toString(),
                "HF_HOME", root.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9"), root.resolve("user"));
        ServerOptions opt = ServerOptions.defaults(env).withPort(0).withModels(null, MODEL);
        Path dir = opt.modelsDir().resolve(MODEL);
        TinySala.write(dir, TinySala.Format.Q8, false);
        server = OminixServer.start(opt, env,
                new OminixServer.Parts(EngineLoaders.standard(), kind -> Backends.open("cpu", 1), StandardParts.audio()), null);
        server.registry().awaitLoaded();
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("unused")
                .maxRetries(0).build();
        direct = Backends.open("cpu", 1);
        engine = SalaChatEngine.load(dir, direct);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        engine.close();
        direct.close();
    }

    /** What the engine answers directly, for comparison. */
    private static ChatEngine.Result expected(int maxTokens, List<String> stop, Long seed, double temperature, boolean noThink) {
        return engine.generate(new ChatEngine.Request(CONVERSATION, temperature, 1.0,
                maxTokens, stop, seed, noThink), Cancellation.none(), null);
    }

    private static ChatCompletionCreateParams.Builder params(int maxTokens) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(ChatModel.of(MODEL));
        for (ChatEngine.Message m : CONVERSATION) {
            switch (m.role()) {
                case "system" -> b.addSystemMessage(m.content());
                case "user" -> b.addUserMessage(m.content());
                default -> b.addAssistantMessage(m.content());
            }
        }
        return b.temperature(0.0).maxCompletionTokens(maxTokens);
    }

    @Test
    void plainCompletionIsTheEnginesGreedyAnswer() {
        ChatEngine.Result want = expected(12, List.of(), null, 0, false);
        ChatCompletion c = client.chat().completions().create(params(12).build());
        assertEquals(want.text(), c.choices().getFirst().message().content().orElse(""));
        assertEquals(want.finishReason() == ChatEngine.FinishReason.STOP ? ChatCompletion.Choice.FinishReason.STOP
                : ChatCompletion.Choice.FinishReason.LENGTH, c.choices().getFirst().finishReason());
        assertEquals(want.promptTokens(), c.usage().orElseThrow().promptTokens());
        assertEquals(want.completionTokens(), c.usage().orElseThrow().completionTokens());
        assertEquals(MODEL, c.model());
    }

    @Test
    void streamingDeliversTheSameTextTokenByToken() {
        ChatEngine.Result want = expected(12, List.of(), null, 0, false);
        List<String> deltas = new ArrayList<>();
        long[] usage = {-1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params(12)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::add));
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        assertEquals(want.text(), String.join("", deltas));
        assertTrue(deltas.stream().filter(d -> !d.isEmpty()).count() > 1, "more than one delta: " + deltas);
        assertEquals(want.completionTokens(), usage[0]);
    }

    @Test
    void stopSeedAndThinkingOptionsReachTheEngine() {
        ChatEngine.Result greedy = expected(12, List.of(), null, 0, false);
        String text = greedy.text();
        if (text.length() >= 4) {   // a stop string in the middle of the answer
            String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
            ChatCompletion c = client.chat().completions().create(params(12).stop(stop).build());
            assertEquals(text.substring(0, text.indexOf(stop)), c.choices().getFirst().message().content().orElse(""));
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().getFirst().finishReason());
        }
        ChatEngine.Result seeded = expected(12, List.of(), 7L, 1.5, false);
        ChatCompletion s = client.chat().completions().create(params(12).temperature(1.5).seed(7L).build());
        assertEquals(seeded.text(), s.choices().getFirst().message().content().orElse(""));
        ChatEngine.Result noThink = expected(12, List.of(), null, 0, true);
        ChatCompletion n = client.chat().completions().create(params(12)
                .putAdditionalBodyProperty("chat_template_kwargs", JsonValue.from(Map.of("enable_thinking", false))).build());
        assertEquals(noThink.text(), n.choices().getFirst().message().content().orElse(""));
    }

    @Test
    void aPromptLongerThanTheContextIsABadRequest() {
        String longText = "The quick brown fox jumps over the lazy dog. ".repeat(600);
        assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model(ChatModel.of(MODEL)).addUserMessage(longText).build()));
    }
}
