package ai.ominix.server;

import ai.ominix.server.support.TestAudio;
import ai.ominix.server.support.TestServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.ChatModel;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionStreamEvent;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionSegment;
import com.openai.models.audio.transcriptions.TranscriptionVerbose;
import com.openai.models.models.Model;
import com.openai.models.models.ModelDeleted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK, unchanged, pointed at the server: the compatibility oracle. */
class OpenAiSdkTest {
    @TempDir
    static Path tmp;
    static TestServer s;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.builder(tmp).start();
        s.awaitReady();
        client = OpenAIOkHttpClient.builder().baseUrl(s.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        s.close();
    }

    @Test
    void chatCompletion() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ChatModel.of("tiny-chat")).addSystemMessage("be brief").addUserMessage("hello from the sdk")
                .temperature(0.0).maxCompletionTokens(10).build());
        assertEquals("hello from the sdk", c.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().getFirst().finishReason());
        assertEquals(4, c.usage().orElseThrow().completionTokens());
        assertEquals("tiny-chat", c.model());
        c.validate(); // every field the SDK requires is there, with its type
    }

    @Test
    void chatStreaming() {
        StringBuilder text = new StringBuilder();
        long[] usage = {-1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(ChatModel.of("minicpm-sala-9b")).addUserMessage("one two three")
                        .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        assertEquals("one two three", text.toString());
        assertEquals(3, usage[0]);
    }

    @Test
    void chatErrorsMapToSdkExceptions() {
        assertThrows(NotFoundException.class, () -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ChatModel.of("no-such-model")).addUserMessage("x").build()));
        BadRequestException e = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model(ChatModel.of("tiny-chat")).addUserMessage("x").temperature(5.0).build()));
        assertEquals("invalid_parameter", e.code().orElseThrow());
        assertEquals("temperature", e.param().orElseThrow());
    }

    @Test
    void modelsListRetrieveDelete() throws Exception {
        List<Model> models = client.models().list().data();
        models.forEach(Model::validate);
        List<String> ids = models.stream().map(Model::id).toList();
        assertTrue(ids.containsAll(List.of("tiny-asr", "tiny-chat")), ids.toString());
        Model m = client.models().retrieve("tiny-asr").validate();
        assertEquals("local", m.ownedBy());
        // Our fields beyond OpenAI's come through as additional properties.
        var extra = m._additionalProperties();
        assertEquals(8, extra.get("quantization").convert(com.fasterxml.jackson.databind.JsonNode.class).path("bits").asInt());
        assertEquals(1234L, extra.get("size_bytes").convert(Long.class));
        assertEquals(true, extra.get("loaded").convert(Boolean.class));

        TestServer.writeModel(s.modelsDir.resolve("sdk-doomed"), "minicpm_sala", false);
        ModelDeleted d = client.models().delete("sdk-doomed").validate();
        assertEquals("sdk-doomed", d.id());
        assertTrue(d.deleted());
        assertThrows(NotFoundException.class, () -> client.models().retrieve("sdk-doomed"));
    }

    @Test
    void transcriptionMultipart() throws Exception {
        Path wav = TestAudio.writeWav(tmp.resolve("clip.wav"), 2);
        var res = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wav).model(AudioModel.of("qwen3-asr")).language("en").build()).validate();
        assertEquals("second 1 in English second 2", res.asTranscription().text());

        var verbose = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wav).model(AudioModel.of("qwen3-asr")).language("en").responseFormat(AudioResponseFormat.VERBOSE_JSON)
                .build());
        assertTrue(verbose.isVerbose(), verbose.toString());
        TranscriptionVerbose v = verbose.asVerbose();
        assertEquals("English", v.language());
        assertEquals(2.0, v.duration(), 1e-9);
        assertEquals("second 1 in English second 2", v.text());
        TranscriptionSegment seg = v.segments().orElseThrow().get(1);
        assertEquals(1, seg.id());
        assertEquals(1.0, seg.start(), 1e-9);
        assertEquals(2.0, seg.end(), 1e-9);
        assertEquals(" second 2", seg.text());

        // Plain-text formats: the SDK hands the body over as the transcription's text.
        Map<AudioResponseFormat, String> plain = Map.of(AudioResponseFormat.TEXT, "second 1 second 2\n",
                AudioResponseFormat.SRT, "1\n00:00:00,000 --> 00:00:01,000\nsecond 1\n\n2\n00:00:01,000 --> 00:00:02,000\nsecond 2\n\n",
                AudioResponseFormat.VTT, "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsecond 1\n\n00:00:01.000 --> 00:00:02.000\nsecond 2\n\n");
        for (var e : plain.entrySet()) {
            var r = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                    .file(wav).model(AudioModel.of("qwen3-asr")).responseFormat(e.getKey()).build());
            assertEquals(e.getValue(), r.asTranscription().text(), e.getKey().toString());
        }
        assertEquals(List.of(), s.leftoverUploads());
    }

    @Test
    void transcriptionStreaming() throws Exception {
        Path wav = TestAudio.writeWav(tmp.resolve("clip3.wav"), 3);
        StringBuilder deltas = new StringBuilder();
        String[] done = {null};
        try (StreamResponse<TranscriptionStreamEvent> stream = client.audio().transcriptions().createStreaming(
                TranscriptionCreateParams.builder().file(wav).model(AudioModel.of("qwen3-asr")).build())) {
            stream.stream().forEach(ev -> {
                ev.validate();
                ev.transcriptTextDelta().ifPresent(d -> deltas.append(d.delta()));
                ev.transcriptTextDone().ifPresent(d -> done[0] = d.text());
            });
        }
        assertEquals("second 1 second 2 second 3", done[0]);
        assertEquals(done[0], deltas.toString());
    }
}
