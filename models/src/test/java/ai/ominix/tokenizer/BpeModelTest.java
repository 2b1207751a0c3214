package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The heap-based merge loop against the textbook quadratic BPE on random vocabularies and words. */
class BpeModelTest {

    /** Reference: repeatedly merge the lowest-ranked adjacent pair, leftmost first. */
    private static int[] naive(int[] symbols, Map<Long, Integer> rank, Map<Long, Integer> merged) {
        List<Integer> s = new ArrayList<>();
        for (int x : symbols) s.add(x);
        while (true) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < s.size(); i++) {
                Integer r = rank.get((long) s.get(i) << 32 | s.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) return s.stream().mapToInt(Integer::intValue).toArray();
            s.set(best, merged.get((long) s.get(best) << 32 | s.get(best + 1)));
            s.remove(best + 1);
        }
    }

    @Test
    void heapMergeEqualsQuadraticReference() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            Map<String, Integer> vocab = new HashMap<>();
            List<String> tokens = new ArrayList<>();
            int alphabet = 2 + rnd.nextInt(5);
            for (int c = 0; c < alphabet; c++) {
                String t = String.valueOf((char) ('a' + c));
                vocab.put(t, tokens.size());
                tokens.add(t);
            }
            List<String> merges = new ArrayList<>();
            Map<Long, Integer> rank = new HashMap<>();
            Map<Long, Integer> merged = new HashMap<>();
            int wanted = 5 + rnd.nextInt(60);
            for (int attempt = 0; attempt < 10 * wanted && rank.size() < wanted; attempt++) {
                String a = tokens.get(rnd.nextInt(tokens.size())), b = tokens.get(rnd.nextInt(tokens.size()));
                long key = (long) vocab.get(a) << 32 | vocab.get(b);
                if (rank.containsKey(key) || (a + b).length() > 12) continue;
                vocab.computeIfAbsent(a + b, k -> {
                    tokens.add(k);
                    return tokens.size() - 1;
                });
                rank.put(key, rank.size());
                merged.put(key, vocab.get(a + b));
                merges.add(a);
                merges.add(b);
            }
            BpeModel model = new BpeModel(new HashMap<>(vocab), merges.toArray(String[]::new), false);
            for (int w = 0; w < 50; w++) {
                int n = 1 + rnd.nextInt(w % 5 == 0 ? 301 : 17);
                int[] word = new int[n];
                for (int i = 0; i < n; i++) word[i] = rnd.nextInt(alphabet);
                assertArrayEquals(naive(word, rank, merged), model.merge(word.clone(), n), "trial " + trial + " word " + w);
            }
        }
    }

    @Test
    void mergeOfUnknownTokenIsALoadError() {
        assertThrows(ModelLoadException.class, () -> new BpeModel(new HashMap<>(Map.of("a", 0, "b", 1)),
                new String[] {"a", "b"}, false)); // "ab" missing
        assertThrows(ModelLoadException.class, () -> new BpeModel(new HashMap<>(Map.of("a", 0, "b", 0)),
                new String[] {}, false)); // id used twice
    }
}
