package ai.ominix.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@code text/event-stream} response, written and flushed event by event.
 *
 * <p>Written here rather than through Helidon's {@code SseSink}: that sink exists only for
 * requests whose {@code Accept} header names {@code text/event-stream} and answers 406 to the
 * others, while the OpenAI SDKs stream with {@code Accept: application/json}. The format is the
 * one OpenAI sends: {@code data: <json>} and a blank line per event, comments for keep-alive.
 * A failed write means the client is gone: {@link UncheckedIOException}.
 */
final class EventStream implements AutoCloseable {
    private final OutputStream out;

    private EventStream(OutputStream out) {
        this.out = out;
    }

    /** Commits the response: status 200 and the event-stream headers. */
    static EventStream open(ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        // nginx and similar proxies buffer responses unless told not to.
        res.header("X-Accel-Buffering", "no");
        return new EventStream(res.outputStream());
    }

    /** An event: its {@code event:} name (null: none, as OpenAI sends them) and one line of data. */
    record Event(String name, String data) {
        static Event data(String data) {
            return new Event(null, data);
        }
    }

    /** One {@code data:} event; the data must be a single line (compact JSON, "[DONE]"). */
    void data(String data) {
        write("data: " + data + "\n\n");
    }

    /** A named event (Anthropic's streams name each one). */
    void send(Event e) {
        if (e.name() == null) data(e.data());
        else write("event: " + e.name() + "\ndata: " + e.data() + "\n\n");
    }

    /** A comment line, which clients ignore: keeps proxies and idle timers from closing the stream. */
    void comment(String text) {
        write(": " + text + "\n\n");
    }

    private void write(String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
