package ai.ominix.server.cli;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.Cancellation;
import ai.ominix.engine.Languages;
import ai.ominix.kernel.Backend;
import ai.ominix.server.StandardParts;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.engine.ModelKind;
import ai.ominix.server.http.TranscriptFormats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe an audio file (WAV, MP3, M4A, FLAC, Ogg) in this process and print the result.")
public final class TranscribeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR|ID", description = "ASR model (default: the first one found).")
    String model;

    @Option(names = "--language", paramLabel = "NAME", description = "Spoken language, e.g. English or en (default: detect).")
    String language;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "json, text, verbose_json, srt or vtt (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or mlx (default: ${DEFAULT-VALUE}).")
    String backend;

    @Parameters(paramLabel = "FILE", description = "The audio file.")
    Path file;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) throw new CliException(file + ": no such file");
        TranscriptFormats fmt = TranscriptFormats.parse(format);
        String lang = language == null ? null : Languages.canonical(language)
                .orElseThrow(() -> new CliException("unsupported language '" + language + "'; supported: "
                        + String.join(", ", Languages.names())));
        // The backend first: --backend mlx without mlx-c fails before any model is pulled or audio decoded.
        try (Backend b = StandardParts.backends().open(backend);
             Local local = Local.fromEnvironment()) {
            ModelRegistry.Resolved m = local.model(model, ModelKind.ASR, "--model");
            float[] samples = StandardParts.audio().load16kMono(file);
            try (AsrEngine engine = EngineLoaders.standard().loadAsr(m.dir(), b)) {
                AsrEngine.Transcript t = engine.transcribe(samples, new AsrEngine.Options(lang, null), Cancellation.none(), null);
                System.out.print(fmt.render(t));
                if (fmt == TranscriptFormats.JSON || fmt == TranscriptFormats.VERBOSE_JSON) System.out.println();
            }
        }
        return 0;
    }
}
