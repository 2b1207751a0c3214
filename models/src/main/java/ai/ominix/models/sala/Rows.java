package ai.ominix.models.sala;

/**
 * Which rows of a forward call belong to which sequence: the rows follow one another, sequence
 * {@code i}'s {@code lengths[i]} of them at positions {@code starts[i]..}. One sequence's
 * prompt segment is one entry; a batched decode step is one row for each of several sequences.
 */
record Rows(SalaState[] states, int[] lengths, int[] starts, int denseLen) {

    static Rows of(SalaState[] states, int[] lengths, int denseLen) {
        int[] starts = new int[states.length];
        for (int i = 0; i < states.length; i++) starts[i] = states[i].length();
        return new Rows(states, lengths, starts, denseLen);
    }

    int sequences() {
        return states.length;
    }

    int total() {
        int n = 0;
        for (int l : lengths) n += l;
        return n;
    }

    /** §4.2: a sparse layer attends densely iff the sequence's total length after this call is below dense_len. */
    boolean sparseMode(int i) {
        return starts[i] + lengths[i] >= denseLen;
    }
}
