package ai.ominix.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing map from non-negative long keys to int values. The merge table of a real
 * vocabulary has ~150k pairs and is probed once per candidate pair: a boxed HashMap would
 * allocate on every probe.
 */
final class LongIntMap {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] values;
    private final int mask;
    private int size;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new int[capacity];
        mask = capacity - 1;
    }

    /** Stores key → value unless the key is already present; returns false in that case. */
    boolean putIfAbsent(long key, int value) {
        if (key < 0) throw new IllegalArgumentException("negative key " + key);
        if (size * 2 >= keys.length) throw new IllegalStateException("LongIntMap full (" + size + ")");
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return true;
            }
            if (keys[i] == key) return false;
        }
    }

    /** The value for key, or {@code missing}. */
    int get(long key, int missing) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return missing;
        }
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
