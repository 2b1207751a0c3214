package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model shared by both tokenizer kinds: a vocabulary and ranked merges, applied to a word
 * given as initial symbol ids. Merging follows Hugging Face {@code tokenizers}: repeatedly merge
 * the adjacent pair with the lowest rank, leftmost first, until no ranked pair remains.
 */
final class BpeModel {
    private static final int CACHE_CAPACITY = 1 << 16;

    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final LongIntMap ranks;      // (left << 32 | right) → rank
    private final int[] mergedId;        // rank → id of left + right
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab        token string → id (kept, not copied: the caller hands it over)
     * @param merges       flattened pairs: merges[2r], merges[2r+1] is the pair of rank r
     * @param ignoreMerges a word that is itself in the vocabulary becomes that one token
     */
    BpeModel(Map<String, Integer> vocab, String[] merges, boolean ignoreMerges) {
        this.ids = vocab;
        int maxId = -1;
        for (int id : vocab.values()) {
            if (id < 0) throw new ModelLoadException("negative token id " + id + " in vocabulary");
            maxId = Math.max(maxId, id);
        }
        tokens = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (tokens[e.getValue()] != null) {
                throw new ModelLoadException("token id " + e.getValue() + " used twice in vocabulary");
            }
            tokens[e.getValue()] = e.getKey();
        }
        int n = merges.length / 2;
        ranks = new LongIntMap(n);
        mergedId = new int[n];
        for (int r = 0; r < n; r++) {
            String a = merges[2 * r], b = merges[2 * r + 1];
            int left = require(a, r), right = require(b, r), merged = require(a + b, r);
            // a repeated pair keeps its first (lowest) rank, as in tokenizers
            if (ranks.putIfAbsent(pair(left, right), r)) mergedId[r] = merged;
        }
        this.ignoreMerges = ignoreMerges;
    }

    private int require(String token, int rank) {
        Integer id = ids.get(token);
        if (id == null) throw new ModelLoadException("merge " + rank + " uses '" + token + "', which is not in the vocabulary");
        return id;
    }

    /** Id of a vocabulary string, or -1. */
    int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** Vocabulary string of an id, or null. */
    String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    /** 1 + the highest id in the vocabulary. */
    int size() {
        return tokens.length;
    }

    boolean ignoreMerges() {
        return ignoreMerges;
    }

    /** How a tokenizer turns a word into initial symbols. */
    interface WordSymbols {
        /** The initial symbol ids of a word (one per byte, or per character). */
        int[] initial(String word);

        /** The word as a vocabulary string (consulted only with {@code ignore_merges}). */
        default String vocabForm(String word) {
            return word;
        }
    }

    /**
     * The ids of a word, from the cache when it was seen before. Long words are not cached (a
     * SentencePiece segment can be a whole paragraph).
     */
    int[] encodeWord(String word, WordSymbols symbols) {
        int[] cached = cache.get(word);
        if (cached != null) return cached;
        int[] result = null;
        if (ignoreMerges) {
            Integer whole = ids.get(symbols.vocabForm(word));
            if (whole != null) result = new int[] {whole};
        }
        if (result == null) {
            int[] sym = symbols.initial(word);
            result = merge(sym, sym.length);
        }
        if (word.length() <= 64) {
            if (cache.size() >= CACHE_CAPACITY) cache.clear(); // bounded: a server sees unbounded text
            cache.put(word, result);
        }
        return result;
    }

    /**
     * Applies the merges to {@code symbols[0..n)} (overwritten) and returns the resulting ids.
     * Uses a linked list over the symbols and a heap of (rank, position) so that a long word costs
     * O(n log n); stale heap entries are recognised by re-checking the pair's rank.
     */
    int[] merge(int[] symbols, int n) {
        if (n < 2) return Arrays.copyOf(symbols, n);
        int[] sym = symbols;
        int[] next = new int[n];
        int[] prev = new int[n];
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
            if (i + 1 < n) offer(heap, sym[i], sym[i + 1], i);
        }
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int rank = (int) (top >>> 32);
            int i = (int) top;
            if (sym[i] < 0) continue;                       // merged into its left neighbour
            int j = next[i];
            if (j >= n || rankOf(sym[i], sym[j]) != rank) continue; // neighbour changed
            sym[i] = mergedId[rank];
            sym[j] = -1;
            int k = next[j];
            next[i] = k;
            if (k < n) prev[k] = i;
            if (prev[i] >= 0) offer(heap, sym[prev[i]], sym[i], prev[i]);
            if (k < n) offer(heap, sym[i], sym[k], i);
        }
        int count = 0;
        for (int i = 0; i < n; i = next[i]) count++;
        int[] out = new int[count];
        count = 0;
        for (int i = 0; i < n; i = next[i]) out[count++] = sym[i];
        return out;
    }

    private void offer(LongHeap heap, int left, int right, int pos) {
        int r = rankOf(left, right);
        if (r >= 0) heap.add((long) r << 32 | pos);
    }

    private int rankOf(int left, int right) {
        if (left < 0 || right < 0) return -1;
        return ranks.get(pair(left, right), -1);
    }

    private static long pair(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    /** Binary min-heap of longs: (rank << 32 | position) orders by rank, then leftmost position. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) break;
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long poll() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && a[c + 1] < a[c]) c++;
                if (a[c] >= last) break;
                a[i] = a[c];
                i = c;
            }
            a[i] = last;
            return top;
        }
    }
}
