package ai.ominix.bench;

/**
 * The memory-read ceiling a decode step is bound by: {@code threads} threads summing disjoint
 * slices of a buffer much larger than the caches, best of a few passes (other load on a shared
 * machine only makes passes slower). The same measurement as {@link Roofline#readBandwidth}.
 */
public final class ReadBandwidth {

    private ReadBandwidth() {}

    /** Bytes per second. */
    public static double measure(int threads, long bytes, int passes) {
        return Roofline.readBandwidth(threads, bytes, passes);
    }
}
