package ai.ominix.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns BPE merges from word counts (the classic algorithm: repeatedly merge the most frequent
 * adjacent pair). Only for writing small tokenizers whose encodings look like real ones; ties are
 * broken by the pair's strings so the result is deterministic.
 */
final class BpeTrainer {
    private BpeTrainer() {}

    /**
     * @param words     each word as its initial symbols (characters), with its count
     * @param maxMerges stop after this many merges (or when no pair occurs twice)
     * @return the merges in rank order, each {left, right}
     */
    static List<String[]> learn(Map<List<String>, Integer> words, int maxMerges) {
        List<List<String>> symbols = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        words.forEach((w, c) -> {
            symbols.add(new ArrayList<>(w));
            counts.add(c);
        });
        List<String[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<String, Integer> pairCounts = new HashMap<>();
            for (int i = 0; i < symbols.size(); i++) {
                List<String> s = symbols.get(i);
                for (int k = 0; k + 1 < s.size(); k++) pairCounts.merge(s.get(k) + '\u0000' + s.get(k + 1), counts.get(i), Integer::sum);
            }
            String best = null;
            int bestCount = 1;
            for (Map.Entry<String, Integer> e : pairCounts.entrySet()) {
                int c = e.getValue();
                if (c > bestCount || (c == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null) break;
            int sep = best.indexOf('\u0000');
            String left = best.substring(0, sep), right = best.substring(sep + 1);
            merges.add(new String[] {left, right});
            for (List<String> s : symbols) {
                for (int k = 0; k + 1 < s.size(); k++) {
                    if (s.get(k).equals(left) && s.get(k + 1).equals(right)) {
                        s.set(k, left + right);
                        s.remove(k + 1);
                    }
                }
            }
        }
        return merges;
    }
}
