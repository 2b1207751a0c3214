package ai.ominix.engine;

import java.util.List;
import java.util.function.Consumer;

/** Speech to text on one loaded model. Not thread-safe: the server runs one request at a time per engine. */
public interface AsrEngine extends AutoCloseable {

    /** Identifier of the loaded model (its directory name). */
    String modelId();

    /**
     * Transcribes 16 kHz mono samples in [-1, 1].
     *
     * @param onText receives the text of each finished segment as soon as it is known (streaming); may be null
     */
    Transcript transcribe(float[] samples16k, Options options, Cancellation cancel, Consumer<Segment> onText);

    @Override
    void close();

    /**
     * @param language canonical language name from {@link Languages#canonical}, or null to detect
     * @param prompt   context text placed in the system turn, or null
     */
    record Options(String language, String prompt) {
        public static Options defaults() {
            return new Options(null, null);
        }
    }

    /** Times in seconds from the start of the input. */
    record Segment(int id, double start, double end, String text) {}

    /**
     * @param text     the segments' texts joined without a separator, as upstream joins its chunks
     *                 (a streaming client that appends each segment's text gets exactly this)
     * @param language detected (or forced) language name, "" when none was detected
     */
    record Transcript(String text, String language, double durationSeconds, List<Segment> segments) {}
}
