package ai.ominix.server;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.qwen3asr.Qwen3Asr;
import ai.ominix.models.qwen3asr.TestClips;
import ai.ominix.models.qwen3asr.TinyQwen3Asr;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.models.sala.TinySala;
import ai.ominix.server.engine.EngineLoaders;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models on demand with the real engines: a server started with no model at all serves two
 * Qwen3-ASR checkpoints (8-bit and 4-bit: different transcripts of the same clip, so a misrouted
 * request shows) and a MiniCPM-SALA checkpoint, under a memory budget that holds only two of the
 * three, so that requests keep evicting and reloading models. Every answer, through the official
 * OpenAI Java SDK, must equal what its model produces in-process: the first, the interleaved, and
 * those of eight concurrent clients.
 */
class ModelsOnDemandRealTest {
    static final String Q8 = "asr-q8";
    static final String Q4 = "asr-q4";
    static final String CHAT = "sala-q8";

    @TempDir
    static Path root;
    static OminixServer server;
    static OpenAIClient client;
    static Path wav;
    static final Map<String, String> expected = new java.util.HashMap<>();
    static long budget;

    @BeforeAll
    static void start() throws Exception {
        OminixEnv env = new OminixEnv(Map.of("OMINIX_HOME", root.resolve("home").toString(),
                "HF_HOME", root.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9"),
                Files.createDirectories(root.resolve("user")));
        ServerOptions base = ServerOptions.defaults(env).withPort(0).withModels(null, null);
        Path models = base.modelsDir();
        TinyQwen3Asr.write(models.resolve(Q8), TinyQwen3Asr.Variant.Q8);
        TinyQwen3Asr.write(models.resolve(Q4), TinyQwen3Asr.Variant.Q4);
        TinySala.write(models.resolve(CHAT), TinySala.Format.Q8, false);
        wav = Files.write(root.resolve("short.wav"), TestClips.wav(TestClips.Clip.SHORT));

        EngineLoaders loaders = EngineLoaders.standard();
        long total = 0;
        try (Backend b = Backends.open("cpu", 2)) {
            for (String asr : List.of(Q8, Q4)) {
                try (Qwen3Asr m = Qwen3Asr.load(models.resolve(asr), b, Qwen3Asr.Settings.defaults())) {
                    expected.put(asr, m.transcribe(TestClips.samples(TestClips.Clip.SHORT), null, null, Cancellation.none(), null).text());
                }
                total += loaders.plannedBytes(models.resolve(asr));
            }
            try (SalaChatEngine chat = SalaChatEngine.load(models.resolve(CHAT), b)) {
                expected.put(CHAT, chat.generate(new ChatEngine.Request(List.of(new ChatEngine.Message("user", "Tell me a story.")),
                        0, 1, 8, List.of(), null, false), Cancellation.none(), null).text());
            }
            total += loaders.plannedBytes(models.resolve(CHAT));
        }
        assertNotEquals(expected.get(Q8), expected.get(Q4), "the two ASR checkpoints must tell their answers apart");
        budget = total - 1; // any two fit, never all three
        server = OminixServer.start(base.withRegistry(new ServerOptions.Registry(budget, 0,
                        ai.ominix.server.engine.KeepAlive.DEFAULT, java.time.Duration.ofMinutes(2))), env,
                new OminixServer.Parts(loaders, kind -> Backends.open("cpu", 2), StandardParts.audio()), null);
        server.registry().awaitLoaded();
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("x").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    /** One request to {@code model} through the SDK; returns what the model said (and checks who answered). */
    static String ask(String model) {
        if (model.equals(CHAT)) {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(ChatModel.of(model))
                    .addUserMessage("Tell me a story.").temperature(0.0).maxCompletionTokens(8).build());
            assertEquals(model, c.model(), "answered by the model it named");
            return c.choices().getFirst().message().content().orElse("");
        }
        return client.audio().transcriptions().create(TranscriptionCreateParams.builder().file(wav).model(AudioModel.of(model))
                .build()).asTranscription().text();
    }

    static double metric(String name) {
        return server.metrics().render().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void interleavedRequestsAcrossThreeModelsEvictAndReloadWithIdenticalOutput() {
        List<String> order = List.of(Q8, Q4, CHAT, Q8, CHAT, Q4, Q4, Q8, CHAT);
        for (String model : order) assertEquals(expected.get(model), ask(model), model);
        assertTrue(metric("ominix_model_evictions_total") >= 3, "the budget kept evicting: " + metric("ominix_model_evictions_total"));
        assertTrue(server.registry().memoryUsed() <= budget);
        assertTrue(metric("ominix_model_loaded") <= 2);
    }

    @Test
    void eightConcurrentClientsAcrossThreeModelsGetTheirOwnModelsAnswers() throws Exception {
        List<String> models = List.of(Q8, Q4, CHAT);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        AtomicLong maxPlanned = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        List<Future<Integer>> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                int done = 0;
                for (int i = 0; System.nanoTime() < end || done < 2; i++) {
                    String model = models.get((client + i) % 3);
                    try {
                        assertEquals(expected.get(model), ask(model), "client " + client + " request " + i + " to " + model);
                        ok.incrementAndGet();
                        done++;
                    } catch (com.openai.errors.InternalServerException e) {
                        // 503 with Retry-After: every model in the budget is busy serving someone else. Retry, as a client does.
                        assertEquals(503, e.statusCode(), e.getMessage());
                        assertTrue(e.getMessage().contains("--max-memory"), e.getMessage());
                        busy.incrementAndGet();
                        Thread.sleep(50);
                    }
                    maxPlanned.accumulateAndGet(server.registry().memoryUsed(), Math::max);
                }
                return done;
            }));
        }
        int total = 0;
        for (Future<Integer> f : clients) total += f.get(120, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(ok.get(), total, "no request lost");
        assertTrue(total >= 16, total + " requests");
        assertTrue(maxPlanned.get() <= budget, "planned memory stayed within the budget: " + maxPlanned.get() + " > " + budget);
    }
}
