package ai.ominix.server.http;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.Languages;
import ai.ominix.server.engine.KeepAlive;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Validated fields of {@code POST /v1/audio/transcriptions} (either request form).
 *
 * @param keepAlive the request's {@code keep_alive} for its model, or null
 */
public record TranscriptionParams(String model, AsrEngine.Options options, TranscriptFormats format, boolean stream,
                                  KeepAlive keepAlive) {

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
        KeepAlive keepAlive = KeepAlive.ofField(fields.get("keep_alive"));
        rejectUnsupported(fields);
        return new TranscriptionParams(model, new AsrEngine.Options(canonical,
                prompt == null || prompt.isBlank() ? null : prompt), format, stream, keepAlive);
    }

    /** OpenAI options whose output this server does not produce: refused rather than silently dropped. */
    private static void rejectUnsupported(ObjectNode fields) {
        // Multipart clients send repeated "name[]" parts, JSON clients an array.
        for (String name : new String[] {"timestamp_granularities", "timestamp_granularities[]"}) {
            for (String g : Fields.optStrings(fields, name, 2, 16)) {
                if (g.equals("word")) {
                    throw ApiException.badRequest("unsupported_parameter", "timestamp_granularities",
                            "word timestamps are not supported; segment timestamps come with response_format verbose_json");
                }
                if (!g.equals("segment")) throw Fields.invalid("timestamp_granularities", "entries must be segment or word");
            }
        }
        for (String name : new String[] {"include", "include[]"}) {
            if (!Fields.optStrings(fields, name, 4, 32).isEmpty()) {
                throw ApiException.badRequest("unsupported_parameter", "include", "'include' (logprobs) is not supported");
            }
        }
    }
}
