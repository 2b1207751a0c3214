package ai.ominix.server.support;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.Cancellation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A stand-in ASR engine for HTTP tests: one segment per started second of audio, whose text says
 * which second it is and the language/prompt it was given, so tests can check what reached it
 * ({@code "second 1"}, {@code " second 2"}, ...; the transcript is their concatenation, as the real
 * engine's). It can be held (to fill queues) and records cancellations.
 */
public final class FakeAsrEngine extends EngineControl implements AsrEngine {
    public volatile long delayPerSegmentMs;
    /** When set, the segments' texts instead of "second N" (one segment per entry, one second each). */
    public volatile List<String> script;
    private final String id;

    public FakeAsrEngine(String id) {
        this.id = id;
    }

    @Override
    public String modelId() {
        return id;
    }

    @Override
    public Transcript transcribe(float[] samples, Options options, Cancellation cancel, Consumer<Segment> onText) {
        begin(cancel);
        double duration = samples.length / 16000.0;
        List<Segment> segs = new ArrayList<>();
        List<String> scripted = script;
        int n = scripted != null ? scripted.size() : Math.max(1, (int) Math.ceil(duration));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            check(cancel);
            String t = scripted != null ? scripted.get(i) : (i == 0 ? "" : " ") + "second " + (i + 1)
                    + (i == 0 && options.language() != null ? " in " + options.language() : "")
                    + (i == 0 && options.prompt() != null ? " after " + options.prompt() : "");
            Segment s = new Segment(i, i, Math.min(duration, i + 1), t);
            segs.add(s);
            text.append(t);
            if (onText != null) onText.accept(s);
            pause(delayPerSegmentMs);
        }
        return new Transcript(text.toString(), options.language() != null ? options.language() : "English", duration, segs);
    }

    @Override
    public void close() {}
}
