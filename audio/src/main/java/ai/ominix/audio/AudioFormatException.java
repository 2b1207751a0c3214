package ai.ominix.audio;

/**
 * The bytes given to {@link AudioLoader} are not audio we can decode: an unknown or unsupported
 * format, an empty file, a truncated or corrupt stream. The message names what was found; the
 * server answers it with HTTP 400 {@code invalid_audio_format}.
 */
public class AudioFormatException extends RuntimeException {

    public AudioFormatException(String message) {
        super(message);
    }

    public AudioFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
