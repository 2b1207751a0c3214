package ai.ominix.server;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioLoader;
import ai.ominix.kernel.Backends;
import ai.ominix.server.engine.AudioDecoder;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.http.ApiException;

/** The production pieces: the real engines, backends and audio decoder. */
public final class StandardParts {
    private StandardParts() {}

    public static OminixServer.Parts create() {
        return new OminixServer.Parts(EngineLoaders.standard(), backends(), audio());
    }

    /** @param promptCacheMb each chat model's prompt cache ({@code --prompt-cache-mb}) */
    public static OminixServer.Parts create(long promptCacheMb) {
        return new OminixServer.Parts(EngineLoaders.standard(promptCacheMb << 20), backends(), audio());
    }

    /** The real parts with {@code serve}'s chat options: prompt cache, requests decoded together, prefill chunk. */
    public static OminixServer.Parts create(long promptCacheMb, int parallel, int prefillChunk) {
        return new OminixServer.Parts(EngineLoaders.standard(promptCacheMb << 20, parallel, prefillChunk), backends(), audio());
    }

    /** The audio module's loader; its format errors are the client's 400 {@code invalid_audio_format}. */
    public static AudioDecoder audio() {
        return file -> {
            try {
                return AudioLoader.load16kMono(file);
            } catch (AudioFormatException e) {
                throw ApiException.badRequest("invalid_audio_format", "file", e.getMessage());
            }
        };
    }

    /** {@code auto|cpu|mlx}; the CPU backend uses every core. */
    public static ModelRegistry.BackendProvider backends() {
        return kind -> Backends.open(kind, 0);
    }
}
