package ai.ominix.server.http;

import ai.ominix.engine.ChatEngine;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Responses kept in memory for {@code previous_response_id} and {@code GET /v1/responses/{id}}:
 * each with the whole conversation that led to it (the next turn continues from there), for a
 * bounded time and number, oldest dropped first. Nothing is written to disk.
 */
final class ResponseStore {
    static final Duration TTL = Duration.ofHours(1);
    static final int MAX_ENTRIES = 1024;

    /** A stored response: its JSON and the conversation (without instructions) it ended. */
    record Entry(ObjectNode response, List<ChatEngine.Message> conversation, Instant expires) {}

    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ResponseStore(Clock clock) {
        this.clock = clock;
    }

    synchronized void put(String id, ObjectNode response, List<ChatEngine.Message> conversation) {
        expire();
        entries.put(id, new Entry(response, List.copyOf(conversation), clock.instant().plus(TTL)));
        while (entries.size() > MAX_ENTRIES) entries.remove(entries.keySet().iterator().next());
    }

    synchronized Entry get(String id) {
        expire();
        return entries.get(id);
    }

    synchronized boolean remove(String id) {
        expire();
        return entries.remove(id) != null;
    }

    private void expire() {
        Instant now = clock.instant();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            if (it.next().expires().isBefore(now)) it.remove();
        }
    }
}
