package ai.ominix.audio.decode;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bytes to decode: a buffered stream positioned at the first byte (mark/reset supported), and
 * the file behind it when there is one (MP4 needs random access when the index sits at the end).
 */
public record Source(InputStream stream, Optional<Path> file) {
}
