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
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

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
    void modelsList() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.containsAll(List.of("tiny-asr", "tiny-chat")), ids.toString());
        Model m = client.models().retrieve("tiny-asr");
        assertEquals("local", m.ownedBy());
    }

    @Test
    void transcriptionMultipart() throws Exception {
        Path wav = TestAudio.writeWav(tmp.resolve("clip.wav"), 2);
        var res = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wav).model(AudioModel.of("qwen3-asr")).language("en").build());
        assertEquals("second 1 in English second 2", res.asTranscription().text());
        var text = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wav).model(AudioModel.of("qwen3-asr")).responseFormat(AudioResponseFormat.TEXT).build());
        assertTrue(text.toString().contains("second 2"), text.toString());
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
                ev.transcriptTextDelta().ifPresent(d -> deltas.append(d.delta()));
                ev.transcriptTextDone().ifPresent(d -> done[0] = d.text());
            });
        }
        assertEquals("second 1 second 2 second 3", done[0]);
        assertEquals(done[0], deltas.toString());
    }
}
