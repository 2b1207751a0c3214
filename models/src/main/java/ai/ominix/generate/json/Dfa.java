package ai.ominix.generate.json;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal deterministic automaton over chars in flat arrays: a brics {@link Automaton}
 * minimized, its dead states dropped, its states numbered (0 is the start). A matcher holds a
 * state as an int, so its frames stay small, comparable and hashable.
 */
final class Dfa {
    static final int DEAD = -1;

    private final boolean[] accept;
    /** Per state: its transitions as {@code [from, to)} into {@link #min}/{@link #max}/{@link #dest}, sorted by min. */
    private final int[] start;
    private final char[] min;
    private final char[] max;
    private final int[] dest;

    private Dfa(boolean[] accept, int[] start, char[] min, char[] max, int[] dest) {
        this.accept = accept;
        this.start = start;
        this.min = min;
        this.max = max;
        this.dest = dest;
    }

    static Dfa of(Automaton a) {
        Automaton m = a.clone();
        m.minimize();
        m.removeDeadTransitions();
        Map<State, Integer> number = new HashMap<>();
        List<State> states = new java.util.ArrayList<>();
        State init = m.getInitialState();
        number.put(init, 0);
        states.add(init);
        for (int i = 0; i < states.size(); i++) {
            for (Transition t : states.get(i).getTransitions()) {
                if (number.putIfAbsent(t.getDest(), states.size()) == null) states.add(t.getDest());
            }
        }
        int n = states.size(), edges = 0;
        for (State s : states) edges += s.getTransitions().size();
        boolean[] accept = new boolean[n];
        int[] start = new int[n + 1];
        char[] min = new char[edges], max = new char[edges];
        int[] dest = new int[edges];
        int e = 0;
        for (int i = 0; i < n; i++) {
            State s = states.get(i);
            accept[i] = s.isAccept();
            start[i] = e;
            for (Transition t : s.getSortedTransitions(false)) {
                min[e] = t.getMin();
                max[e] = t.getMax();
                dest[e++] = number.get(t.getDest());
            }
        }
        start[n] = e;
        return new Dfa(accept, start, min, max, dest);
    }

    int step(int state, char c) {
        int lo = start[state], hi = start[state + 1] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (c < min[mid]) hi = mid - 1;
            else if (c > max[mid]) lo = mid + 1;
            else return dest[mid];
        }
        return DEAD;
    }

    /** True when some char in [lo, hi] leads on from the state. */
    boolean steps(int state, int lo, int hi) {
        for (int e = start[state]; e < start[state + 1]; e++) {
            if (min[e] <= hi && max[e] >= lo) return true;
        }
        return false;
    }

    boolean accepts(int state) {
        return accept[state];
    }

    /** True when some char leads on from the state. */
    boolean continues(int state) {
        return start[state + 1] > start[state];
    }

    /** Whether the whole string is in the language (for tests and literal checks). */
    boolean matches(CharSequence s) {
        int q = 0;
        for (int i = 0; i < s.length() && q != DEAD; i++) q = step(q, s.charAt(i));
        return q != DEAD && accept[q];
    }
}
