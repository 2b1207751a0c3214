package ai.ominix.models.qwen3asr;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.Cancellation;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.Languages;
import ai.ominix.kernel.Backend;
import java.nio.file.Path;
import java.util.function.Consumer;

/** {@link AsrEngine} over a loaded {@link Qwen3Asr} (registered for config.json {@code model_type} "qwen3_asr"). */
public final class Qwen3AsrEngine implements AsrEngine {

    public static final String MODEL_TYPE = "qwen3_asr";

    private final Qwen3Asr model;

    public Qwen3AsrEngine(Qwen3Asr model) {
        this.model = model;
    }

    /** The server's loader: the model directory onto a backend the server owns. */
    public static AsrEngine load(Path modelDir, Backend backend) {
        return new Qwen3AsrEngine(Qwen3Asr.load(modelDir, backend, Qwen3Asr.Settings.serving()));
    }

    /** What a request on the server's loader may hold beside the weights ({@link Qwen3Asr#workingSetBytes}). */
    public static long workingSetBytes(Path modelDir) {
        return Qwen3Asr.workingSetBytes(Qwen3AsrConfig.load(modelDir), Qwen3Asr.Settings.serving());
    }

    @Override
    public String modelId() {
        return model.directory().getFileName().toString();
    }

    @Override
    public Transcript transcribe(float[] samples16k, Options options, Cancellation cancel, Consumer<Segment> onText) {
        Options o = options == null ? Options.defaults() : options;
        String language = null;
        if (o.language() != null && !o.language().isBlank()) {
            language = Languages.canonical(o.language()).orElseThrow(() -> new InvalidRequestException(
                    "invalid_language", "language", "unsupported language '" + o.language() + "'; supported: "
                            + String.join(", ", Languages.names())));
        }
        String prompt = o.prompt() == null || o.prompt().isEmpty() ? null : o.prompt();
        return model.transcribe(samples16k, language, prompt, cancel == null ? Cancellation.none() : cancel, onText);
    }

    @Override
    public void close() {
        model.close();
    }
}
