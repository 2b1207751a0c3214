package ai.ominix.server.engine;

import java.nio.file.Path;

/**
 * Decodes an audio file to 16 kHz mono samples in [-1, 1]. Format errors surface as a 400
 * {@code invalid_audio_format}; the production implementation is the audio module's loader.
 */
@FunctionalInterface
public interface AudioDecoder {
    float[] load16kMono(Path file);
}
