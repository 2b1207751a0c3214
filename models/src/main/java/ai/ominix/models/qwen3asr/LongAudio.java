package ai.ominix.models.qwen3asr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits long audio into chunks that are transcribed independently, as upstream's
 * {@code split_audio_into_chunks} does (qwen3-asr.md §7): a cut every {@code maxChunkSeconds}
 * (1200 s upstream), moved to the quietest point within ±5 s — the 100 ms window with the least
 * Σ|x|, then its quietest sample. Chunks tile the input exactly; only after a split are chunks
 * shorter than 0.5 s zero-padded.
 */
public final class LongAudio {

    public static final int SAMPLE_RATE = 16_000;
    /** Upstream {@code MAX_ASR_INPUT_SECONDS}. */
    public static final double DEFAULT_MAX_CHUNK_SECONDS = 1200.0;
    private static final double SEARCH_EXPAND_SECONDS = 5.0;
    private static final double MIN_WINDOW_SECONDS = 0.1;
    private static final double MIN_CHUNK_SECONDS = 0.5;

    private LongAudio() {}

    /**
     * One piece of the input.
     *
     * @param samples     the chunk's samples (zero-padded to 0.5 s when a split left it shorter)
     * @param startSample where it starts in the input
     * @param length      how many input samples it covers (before padding)
     */
    public record Chunk(float[] samples, long startSample, int length) {
        public double startSeconds() {
            return startSample / (double) SAMPLE_RATE;
        }

        public double endSeconds() {
            return (startSample + length) / (double) SAMPLE_RATE;
        }
    }

    public static List<Chunk> split(float[] wav, double maxChunkSeconds) {
        if (!(maxChunkSeconds > 0)) throw new IllegalArgumentException("maxChunkSeconds must be > 0");
        int total = wav.length;
        if (total / (double) SAMPLE_RATE <= maxChunkSeconds) return List.of(new Chunk(wav, 0, total));
        int maxLen = (int) (maxChunkSeconds * SAMPLE_RATE);
        int expand = (int) (SEARCH_EXPAND_SECONDS * SAMPLE_RATE);
        int win = Math.max(4, (int) (MIN_WINDOW_SECONDS * SAMPLE_RATE));
        List<int[]> bounds = new ArrayList<>();
        int start = 0;
        while (total - start > maxLen) {
            int cut = start + maxLen;
            int left = Math.max(start, cut - expand);
            int right = Math.min(total, cut + expand);
            int boundary = right - left <= win ? cut : quietestPoint(wav, left, right, win);
            boundary = Math.min(Math.max(boundary, start + 1), total);
            bounds.add(new int[] {start, boundary});
            start = boundary;
        }
        bounds.add(new int[] {start, total});
        int minLen = (int) (MIN_CHUNK_SECONDS * SAMPLE_RATE);
        List<Chunk> chunks = new ArrayList<>(bounds.size());
        for (int[] b : bounds) {
            int len = b[1] - b[0];
            chunks.add(new Chunk(Arrays.copyOf(Arrays.copyOfRange(wav, b[0], b[1]), Math.max(len, minLen)), b[0], len));
        }
        return chunks;
    }

    /** The quietest sample inside the first quietest {@code win}-sample window of {@code wav[left, right)}. */
    static int quietestPoint(float[] wav, int left, int right, int win) {
        double sum = 0;
        for (int i = left; i < left + win; i++) sum += Math.abs(wav[i]);
        double best = sum;
        int bestPos = left;
        for (int p = left + 1; p + win <= right; p++) {
            sum += Math.abs(wav[p + win - 1]) - Math.abs(wav[p - 1]);
            if (sum < best) {
                best = sum;
                bestPos = p;
            }
        }
        int inner = bestPos;
        for (int i = bestPos + 1; i < bestPos + win; i++) {
            if (Math.abs(wav[i]) < Math.abs(wav[inner])) inner = i;
        }
        return inner;
    }
}
