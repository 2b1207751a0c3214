package ai.ominix.models.sala;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * States of earlier prompts at segment boundaries, so that a prompt that extends one (the next
 * turn of a conversation, a shared system prompt) prefills only what follows. Every prompt is
 * prefilled in calls of {@value #SEGMENT} tokens at absolute positions, cached or not, so a
 * prompt resumed from a boundary runs exactly the calls a cold run would: the answer is the
 * same to the last bit. Kept: each prompt's last boundary and its power-of-two boundaries (a
 * shared prefix finds one at least half its length), least recently used dropped first, within
 * a byte budget; each entry owns its state copy and frees it when dropped.
 */
final class PromptCache implements AutoCloseable {
    /** Prefill call size; a multiple of the lightning chunk, so that calls start on chunk boundaries. */
    static final int SEGMENT = DecayRecurrence.CHUNK;

    /** A state to resume from: the first {@code length} tokens of the prompt are in it (the caller owns it). */
    record Hit(int length, SalaState state) {}

    private record Entry(int[] tokens, SalaState state, long bytes) {}

    private final long budget;
    private final IntToLongFunction bytesAt;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    /** @param bytesAt a snapshot's size at a given length (fixed recurrent states plus the keys and values) */
    PromptCache(long budget, IntToLongFunction bytesAt) {
        this.budget = budget;
        this.bytesAt = bytesAt;
    }

    /** True at the boundaries worth a snapshot: a prompt's last one, and the powers of two. */
    static boolean keeps(int boundary, int promptLength) {
        int segments = boundary / SEGMENT;
        return boundary + SEGMENT >= promptLength || Integer.bitCount(segments) == 1;
    }

    /** The longest cached prefix of {@code prompt} that leaves at least one token to prefill, as a copy. */
    synchronized Hit longest(int[] prompt) {
        for (int b = (prompt.length - 1) / SEGMENT * SEGMENT; b >= SEGMENT; b -= SEGMENT) {
            Entry e = entries.get(new Key(prompt, b));
            if (e != null && Arrays.equals(e.tokens, 0, b, prompt, 0, b)) {
                return new Hit(b, e.state.copy());
            }
        }
        return null;
    }

    /** Keeps {@code state} (taking ownership) as the state after {@code prompt[0, length)}, unless it is there already. */
    synchronized void put(int[] prompt, int length, SalaState state) {
        Key key = new Key(prompt, length);
        long size = bytesAt.applyAsLong(length);
        if (entries.containsKey(key) || size > budget) {
            state.close();
            return;
        }
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && bytes + size > budget; ) {
            Entry old = it.next();
            it.remove();
            bytes -= old.bytes;
            old.state.close();
        }
        entries.put(key, new Entry(Arrays.copyOf(prompt, length), state, size));
        bytes += size;
    }

    /** Whether {@link #put} would keep a state there (so that the caller copies one only then). */
    synchronized boolean wants(int[] prompt, int length) {
        return bytesAt.applyAsLong(length) <= budget && !entries.containsKey(new Key(prompt, length));
    }

    synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        for (Entry e : entries.values()) e.state.close();
        entries.clear();
        bytes = 0;
    }

    /** A prefix by length and content hash (equality checked on lookup). */
    private record Key(int length, int hash) {
        Key(int[] tokens, int length) {
            this(length, hash(tokens, length));
        }

        private static int hash(int[] tokens, int length) {
            int h = 1;
            for (int i = 0; i < length; i++) h = 31 * h + tokens[i];
            return h;
        }
    }
}
