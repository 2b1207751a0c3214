package ai.ominix.audio;

/**
 * What {@link AudioLoader#probe} learns from a file's headers without decoding it.
 *
 * @param format          container/codec, e.g. "wav", "flac", "mp3", "m4a/aac", "ogg/vorbis", "ogg/opus"
 * @param sampleRate      native sample rate in Hz
 * @param channels        native channel count
 * @param durationSeconds duration when the headers state it, else {@code Double.NaN}
 */
public record AudioInfo(String format, int sampleRate, int channels, double durationSeconds) {
}
