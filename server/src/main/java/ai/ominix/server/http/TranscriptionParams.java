package ai.ominix.server.http;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.Languages;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Validated fields of {@code POST /v1/audio/transcriptions} (either request form). */
public record TranscriptionParams(String model, AsrEngine.Options options, TranscriptFormats format, boolean stream) {

    public static TranscriptionParams parse(ObjectNode fields) {
        String model = Fields.optString(fields, "model", 256);
        String language = Fields.optString(fields, "language", 64);
        String canonical = null;
        if (language != null && !language.isBlank()) {
            canonical = Languages.canonical(language).orElseThrow(() -> ApiException.badRequest("invalid_language",
                    "language", "unsupported language '" + Fields.echo(language) + "'; supported: "
                            + String.join(", ", Languages.names())));
        }
        TranscriptFormats format = TranscriptFormats.parse(Fields.optString(fields, "response_format", 32));
        String prompt = Fields.optString(fields, "prompt", 8192);
        // Decoding is greedy; the field is validated so that OpenAI clients sending it keep working.
        Fields.optNumber(fields, "temperature", 0, 1);
        boolean stream = Fields.optBoolean(fields, "stream", false);
        return new TranscriptionParams(model, new AsrEngine.Options(canonical,
                prompt == null || prompt.isBlank() ? null : prompt), format, stream);
    }
}
