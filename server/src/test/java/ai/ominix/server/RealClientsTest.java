package ai.ominix.server;

import ai.ominix.engine.AsrEngine.Segment;
import ai.ominix.engine.AsrEngine.Transcript;
import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.qwen3asr.Qwen3Asr;
import ai.ominix.models.qwen3asr.Qwen3AsrEngine;
import ai.ominix.models.qwen3asr.TestClips;
import ai.ominix.models.qwen3asr.TinyQwen3Asr;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.models.sala.TinySala;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.http.TranscriptFormats;
import ai.ominix.server.support.NodeClients;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionStreamEvent;
import com.openai.models.audio.transcriptions.TranscriptionVerbose;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients nobody here wrote, against the real engines: the official OpenAI Node SDK (from npm)
 * and the official Java SDK call a server running tiny Qwen3-ASR and MiniCPM-SALA checkpoints
 * (real on-disk layout, CPU backend), and what each SDK parsed must equal what the same engines
 * produce in-process for the same request: the same tokens, not only a 200. The SDKs send their
 * own headers ({@code Accept: application/json} on streaming calls too).
 */
class RealClientsTest {
    static final String ASR = "tiny-qwen3-asr";
    static final String CHAT = "tiny-sala";
    static final String SPARE = "tiny-spare";
    /** Long-audio chunks short enough that the 19 s clip has several segments (as in Qwen3AsrEndToEndTest). */
    static final double CHUNK_SECONDS = 8.0;
    static final List<Map<String, String>> MESSAGES = List.of(
            Map.of("role", "system", "content", "You are a helpful assistant."),
            Map.of("role", "user", "content", "Can you tell me the time?"),
            Map.of("role", "assistant", "content", "It's half past three in the afternoon."),
            Map.of("role", "user", "content", "Thank you very much for your help!"));
    static final int MAX_TOKENS = 12;

    @TempDir
    static Path root;
    static OminixServer server;
    static Backend backend;
    static Qwen3Asr asr;
    static SalaChatEngine chat;
    static Path multiWav;
    static Path shortWav;
    static ChatEngine.Result chatWant;
    static Transcript multiWant;

    @BeforeAll
    static void start() throws Exception {
        OminixEnv env = new OminixEnv(Map.of("OMINIX_HOME", root.resolve("home").toString(),
                "HF_HOME", root.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9"),
                Files.createDirectories(root.resolve("user")));
        ServerOptions opt = ServerOptions.defaults(env).withPort(0).withModels(ASR, CHAT);
        TinyQwen3Asr.write(opt.modelsDir().resolve(ASR), TinyQwen3Asr.Variant.Q8);
        TinyQwen3Asr.write(opt.modelsDir().resolve(SPARE), TinyQwen3Asr.Variant.Q8);
        TinySala.write(opt.modelsDir().resolve(CHAT), TinySala.Format.Q8, false);
        EngineLoaders loaders = EngineLoaders.builder()
                .asr(Qwen3AsrEngine.MODEL_TYPE, (dir, b) -> new Qwen3AsrEngine(Qwen3Asr.load(dir, b, new Qwen3Asr.Settings(CHUNK_SECONDS))))
                .chat(ai.ominix.models.sala.SalaConfig.MODEL_TYPE, SalaChatEngine::load)
                .build();
        server = OminixServer.start(opt, env, new OminixServer.Parts(loaders, kind -> Backends.open("cpu", 2), StandardParts.audio()), null);
        server.registry().awaitLoaded();

        backend = Backends.open("cpu", 2);
        asr = Qwen3Asr.load(opt.modelsDir().resolve(ASR), backend, new Qwen3Asr.Settings(CHUNK_SECONDS));
        chat = SalaChatEngine.load(opt.modelsDir().resolve(CHAT), backend);
        Path audio = Files.createDirectories(root.resolve("audio"));
        multiWav = Files.write(audio.resolve("multi.wav"), TestClips.wav(TestClips.Clip.MULTI));
        shortWav = Files.write(audio.resolve("short.wav"), TestClips.wav(TestClips.Clip.SHORT));

        List<ChatEngine.Message> messages = MESSAGES.stream().map(m -> new ChatEngine.Message(m.get("role"), m.get("content"))).toList();
        chatWant = chat.generate(new ChatEngine.Request(messages, 0, 1, MAX_TOKENS, List.of(), null, false), Cancellation.none(), null);
        multiWant = asr.transcribe(TestClips.samples(TestClips.Clip.MULTI), null, null, Cancellation.none(), null);
        assertTrue(multiWant.segments().size() > 1, "the long clip is cut into several chunks");
        assertFalse(chatWant.text().isEmpty(), "the tiny model answers something");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (asr != null) asr.close();
        if (chat != null) chat.close();
        if (backend != null) backend.close();
    }

    static String base() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    static Map<String, Object> chatParams(String model) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("model", model);
        p.put("messages", MESSAGES);
        p.put("temperature", 0);
        p.put("max_tokens", MAX_TOKENS);
        return p;
    }

    static JsonNode value(JsonNode result) {
        assertTrue(result.path("ok").asBoolean(), "the SDK call failed: " + result);
        return result.path("value");
    }

    static JsonNode error(JsonNode result) {
        assertFalse(result.path("ok").asBoolean(), "expected an error, got: " + result);
        return result.path("error");
    }

    @Test
    void nodeSdkChatPlainAndStreamingGiveTheEnginesTokens() throws Exception {
        Map<String, Object> streamed = chatParams("minicpm-sala"); // an alias of the chat model
        streamed.put("stream_options", Map.of("include_usage", true));
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, List.of(
                NodeClients.call("chat", chatParams(CHAT)),
                NodeClients.call("chatStream", streamed)));

        JsonNode plain = value(r.get(0));
        assertEquals("chat.completion", plain.path("object").asText());
        assertEquals(chatWant.text(), plain.at("/choices/0/message/content").asText());
        assertEquals(chatWant.finishReason().wire(), plain.at("/choices/0/finish_reason").asText());
        assertEquals(chatWant.promptTokens(), plain.at("/usage/prompt_tokens").asInt());
        assertEquals(chatWant.completionTokens(), plain.at("/usage/completion_tokens").asInt());

        JsonNode chunks = value(r.get(1));
        StringBuilder text = new StringBuilder();
        List<String> deltas = new ArrayList<>();
        String finish = null;
        JsonNode usage = null;
        for (JsonNode c : chunks) {
            assertEquals("chat.completion.chunk", c.path("object").asText());
            if (!c.path("usage").isMissingNode() && !c.path("usage").isNull()) usage = c.path("usage");
            for (JsonNode choice : c.path("choices")) {
                String d = choice.path("delta").path("content").asText("");
                text.append(d);
                if (!d.isEmpty()) deltas.add(d);
                if (choice.path("finish_reason").isTextual()) finish = choice.path("finish_reason").asText();
            }
        }
        assertEquals(chatWant.text(), text.toString());
        assertTrue(deltas.size() > 1, "token by token: " + deltas);
        assertEquals(chatWant.finishReason().wire(), finish);
        assertTrue(usage != null, "the usage chunk arrived: " + chunks);
        assertEquals(chatWant.completionTokens(), usage.path("completion_tokens").asInt());
        assertEquals(chatWant.promptTokens() + chatWant.completionTokens(), usage.path("total_tokens").asInt());
    }

    @Test
    void nodeSdkTranscriptionInEveryFormatAndStreaming() throws Exception {
        List<ObjectNode> calls = new ArrayList<>();
        List<String> formats = List.of("json", "text", "verbose_json", "srt", "vtt");
        for (String f : formats) {
            calls.add(NodeClients.call("transcribe", Map.of("file", multiWav.toString(), "model", "whisper-1", "response_format", f)));
        }
        calls.add(NodeClients.call("transcribeStream", Map.of("file", multiWav.toString(), "model", "gpt-4o-transcribe")));
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, calls);

        assertEquals(multiWant.text(), value(r.get(0)).path("text").asText());
        assertEquals(multiWant.text() + "\n", value(r.get(1)).asText());
        JsonNode v = value(r.get(2));
        assertEquals("transcribe", v.path("task").asText());
        assertEquals(TestClips.Clip.MULTI.samples / 16000.0, v.path("duration").asDouble(), 1e-9);
        assertEquals(multiWant.text(), v.path("text").asText());
        assertEquals(multiWant.segments().size(), v.path("segments").size());
        for (int i = 0; i < multiWant.segments().size(); i++) {
            Segment want = multiWant.segments().get(i);
            JsonNode got = v.path("segments").get(i);
            assertEquals(want.start(), got.path("start").asDouble(), 1e-9);
            assertEquals(want.end(), got.path("end").asDouble(), 1e-9);
            assertEquals(want.text(), got.path("text").asText());
        }
        assertEquals(TranscriptFormats.SRT.render(multiWant), value(r.get(3)).asText());
        assertEquals(TranscriptFormats.VTT.render(multiWant), value(r.get(4)).asText());

        JsonNode events = value(r.get(5));
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < events.size() - 1; i++) {
            assertEquals("transcript.text.delta", events.get(i).path("type").asText());
            assertEquals(multiWant.segments().get(i).text(), events.get(i).path("delta").asText());
            deltas.append(events.get(i).path("delta").asText());
        }
        assertEquals(multiWant.segments().size() + 1, events.size(), events.toString());
        assertEquals("transcript.text.done", events.get(events.size() - 1).path("type").asText());
        assertEquals(multiWant.text(), events.get(events.size() - 1).path("text").asText());
        assertEquals(multiWant.text(), deltas.toString());
    }

    @Test
    void nodeSdkModelsListRetrieveDeleteAndItsErrors() throws Exception {
        Map<String, Object> badTemperature = chatParams(CHAT);
        badTemperature.put("temperature", 5);
        ArrayNode r = NodeClients.run("openai-driver.mjs", base(), null, List.of(
                NodeClients.call("modelsList", null),
                NodeClients.call("modelsRetrieve", Map.of("id", CHAT)),
                NodeClients.call("modelsDelete", Map.of("id", SPARE)),
                NodeClients.call("modelsRetrieve", Map.of("id", SPARE)),
                NodeClients.call("chat", badTemperature),
                NodeClients.call("chat", chatParams("no-such-model")),
                NodeClients.call("translate", Map.of("file", shortWav.toString(), "model", "whisper-1")),
                NodeClients.call("completion", Map.of("model", CHAT, "prompt", "Once upon a time"))));

        List<String> ids = new ArrayList<>();
        value(r.get(0)).forEach(m -> ids.add(m.path("id").asText()));
        assertTrue(ids.containsAll(List.of(ASR, CHAT, SPARE)), ids.toString());
        JsonNode m = value(r.get(1));
        assertEquals(CHAT, m.path("id").asText());
        assertEquals("model", m.path("object").asText());
        assertTrue(m.path("loaded").asBoolean());
        assertEquals(SPARE, value(r.get(2)).path("id").asText());
        assertTrue(value(r.get(2)).path("deleted").asBoolean());
        assertFalse(Files.exists(server.store().modelsDir().resolve(SPARE)));

        assertSdkError(r.get(3), "NotFoundError", 404, "model_not_found", null);
        assertSdkError(r.get(4), "BadRequestError", 400, "invalid_parameter", "temperature");
        assertSdkError(r.get(5), "NotFoundError", 404, "model_not_found", null);
        assertTrue(error(r.get(6)).path("message").asText().contains("/v1/audio/transcriptions"), r.get(6).toString());
        assertSdkError(r.get(6), "BadRequestError", 400, "unsupported_endpoint", null);
        assertTrue(error(r.get(7)).path("message").asText().contains("/v1/chat/completions"), r.get(7).toString());
        assertSdkError(r.get(7), "BadRequestError", 400, "unsupported_endpoint", null);
    }

    /** The SDK's error class and fields; its message is "STATUS " + the server's message. */
    static void assertSdkError(JsonNode result, String sdkClass, int status, String code, String param) {
        JsonNode e = error(result);
        assertEquals(sdkClass, e.path("class").asText(), e.toString());
        assertTrue(e.path("isApiError").asBoolean(), e.toString());
        assertEquals(status, e.path("status").asInt(), e.toString());
        assertTrue(e.path("message").asText().startsWith(status + " ") && e.path("message").asText().length() > 10, e.toString());
        if (code != null) assertEquals(code, e.path("code").asText(), e.toString());
        if (param != null) assertEquals(param, e.path("param").asText(), e.toString());
    }

    @Test
    void javaSdkStreamsBothModelsWithTheEnginesTokens() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(base()).apiKey("unused").maxRetries(0).build();
        try {
            ChatCompletionCreateParams.Builder p = ChatCompletionCreateParams.builder().model(ChatModel.of(CHAT))
                    .temperature(0.0).maxCompletionTokens(MAX_TOKENS)
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
            for (Map<String, String> msg : MESSAGES) {
                switch (msg.get("role")) {
                    case "system" -> p.addSystemMessage(msg.get("content"));
                    case "user" -> p.addUserMessage(msg.get("content"));
                    default -> p.addAssistantMessage(msg.get("content"));
                }
            }
            StringBuilder text = new StringBuilder();
            long[] usage = {-1};
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(p.build())) {
                stream.stream().forEach(c -> {
                    c.validate();
                    c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
                    c.usage().ifPresent(u -> usage[0] = u.completionTokens());
                });
            }
            assertEquals(chatWant.text(), text.toString());
            assertEquals(chatWant.completionTokens(), usage[0]);

            StringBuilder deltas = new StringBuilder();
            String[] done = {null};
            try (StreamResponse<TranscriptionStreamEvent> stream = client.audio().transcriptions().createStreaming(
                    TranscriptionCreateParams.builder().file(multiWav).model(AudioModel.of("whisper-1")).build())) {
                stream.stream().forEach(ev -> {
                    ev.validate();
                    ev.transcriptTextDelta().ifPresent(d -> deltas.append(d.delta()));
                    ev.transcriptTextDone().ifPresent(d -> done[0] = d.text());
                });
            }
            assertEquals(multiWant.text(), done[0]);
            assertEquals(multiWant.text(), deltas.toString());

            TranscriptionVerbose v = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                    .file(multiWav).model(AudioModel.of("qwen3-asr")).responseFormat(AudioResponseFormat.VERBOSE_JSON).build())
                    .asVerbose();
            assertEquals(multiWant.text(), v.text());
            assertEquals(multiWant.segments().size(), v.segments().orElseThrow().size());
            String srt = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                    .file(multiWav).model(AudioModel.of("qwen3-asr")).responseFormat(AudioResponseFormat.SRT).build())
                    .asTranscription().text();
            assertEquals(TranscriptFormats.SRT.render(multiWant), srt);
        } finally {
            client.close();
        }
    }
}
