package ai.ominix.audio.decode;

import java.io.IOException;

/** One container/codec: decodes a whole stream into a sink. Implementations are stateless. */
public interface Decoder {

    /**
     * Decodes {@code source} from its first byte. Malformed input throws
     * {@link ai.ominix.audio.AudioFormatException} (or any exception, which the caller wraps).
     */
    void decode(Source source, PcmSink sink) throws IOException;

    /** Reads only the headers. */
    ai.ominix.audio.AudioInfo probe(Source source) throws IOException;
}
