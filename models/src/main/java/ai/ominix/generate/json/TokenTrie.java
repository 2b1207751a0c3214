package ai.ominix.generate.json;

import ai.ominix.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The vocabulary as a trie over the bytes tokens stand for, so that a token mask is one walk:
 * a prefix the grammar refuses prunes every token that starts with it. Nodes are numbered in
 * depth-first order; node {@code n}'s children are the nodes {@code firstChild[n]} ... that
 * share its depth + 1, found through {@code nextSibling}.
 */
public final class TokenTrie {
    final int vocabSize;
    /** Per node: the byte on the edge into it (root: -1). */
    final int[] edge;
    final int[] firstChild;
    final int[] nextSibling;
    /** Per node: the tokens spelled exactly by the path to it, as a range of {@link #tokens}. */
    final int[] tokensStart;
    final int[] tokensEnd;
    final int[] tokens;
    /** Per token id: its bytes, null when it never enters constrained text. */
    private final byte[][] spelling;

    private TokenTrie(byte[][] spelling, int vocabSize, int[] edge, int[] firstChild, int[] nextSibling, int[] tokensStart, int[] tokensEnd,
                      int[] tokens) {
        this.spelling = spelling;
        this.vocabSize = vocabSize;
        this.edge = edge;
        this.firstChild = firstChild;
        this.nextSibling = nextSibling;
        this.tokensStart = tokensStart;
        this.tokensEnd = tokensEnd;
        this.tokens = tokens;
    }

    /**
     * @param excluded tokens that never enter constrained text (special tokens, the tool-call
     *                 marker): they are allowed, or not, by the engine itself
     */
    public static TokenTrie of(Tokenizer tokenizer, IntPredicate excluded) {
        int vocab = tokenizer.vocabSize();
        List<byte[]> spellings = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        byte[][] byId = new byte[vocab][];
        for (int id = 0; id < vocab; id++) {
            if (excluded.test(id) || tokenizer.isSpecial(id)) continue;
            byte[] b = tokenizer.tokenBytes(id);
            if (b == null || b.length == 0) continue;
            spellings.add(b);
            ids.add(id);
            byId[id] = b;
        }
        Integer[] order = new Integer[spellings.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparing(spellings::get, Arrays::compareUnsigned));
        return build(byId, vocab, order, spellings, ids);
    }

    /** Inserts the spellings in sorted order: each one shares its longest common prefix with the previous. */
    private static TokenTrie build(byte[][] byId, int vocab, Integer[] order, List<byte[]> spellings, List<Integer> ids) {
        int capacity = 1;
        for (byte[] s : spellings) capacity += s.length;
        int[] edge = new int[capacity], first = new int[capacity], next = new int[capacity];
        int[] tStart = new int[capacity], tEnd = new int[capacity];
        Arrays.fill(first, -1);
        Arrays.fill(next, -1);
        edge[0] = -1;
        int nodes = 1;
        int[] tokens = new int[order.length];
        int[] path = new int[64];      // node at each depth of the previous spelling
        int[] lastChild = new int[capacity];
        Arrays.fill(lastChild, -1);
        byte[] prev = new byte[0];
        int t = 0;
        for (Integer o : order) {
            byte[] s = spellings.get(o);
            if (s.length >= path.length) path = Arrays.copyOf(path, 2 * s.length);
            int common = 0;
            while (common < s.length && common < prev.length && s[common] == prev[common]) common++;
            int node = path[common];
            for (int d = common; d < s.length; d++) {
                int child = nodes++;
                edge[child] = s[d] & 0xFF;
                if (lastChild[node] < 0) first[node] = child;
                else next[lastChild[node]] = child;
                lastChild[node] = child;
                node = child;
                path[d + 1] = node;
            }
            if (tEnd[node] == tStart[node]) tStart[node] = t; // tokens of one node are consecutive in sorted order
            tokens[t++] = ids.get(o);
            tEnd[node] = t;
            prev = s;
        }
        return new TokenTrie(byId, vocab, Arrays.copyOf(edge, nodes), Arrays.copyOf(first, nodes), Arrays.copyOf(next, nodes),
                Arrays.copyOf(tStart, nodes), Arrays.copyOf(tEnd, nodes), tokens);
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** The bytes of a token that may enter constrained text, else null. */
    byte[] spelling(int id) {
        return id >= 0 && id < spelling.length ? spelling[id] : null;
    }
}
