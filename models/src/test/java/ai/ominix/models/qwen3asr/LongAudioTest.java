package ai.ominix.models.qwen3asr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongAudioTest {

    private static final int SR = LongAudio.SAMPLE_RATE;

    private static float[] noise(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 1.6 - 0.8);
        return x;
    }

    @Test
    void shortAudioIsOneUnpaddedChunk() {
        float[] x = noise(SR / 10, 1); // 0.1 s: not padded when no split happened
        List<LongAudio.Chunk> chunks = LongAudio.split(x, 20);
        assertEquals(1, chunks.size());
        assertSame(x, chunks.getFirst().samples());
        assertEquals(0.1, chunks.getFirst().endSeconds(), 1e-9);
    }

    @Test
    void cutsAtTheQuietestPointNearEachBoundary() {
        float[] x = noise(SR * 50, 2);
        // quiet 200 ms stretches 3 s after the first target cut (20 s) and 4 s before the second (40 s... moved)
        int quiet1 = SR * 23;
        Arrays.fill(x, quiet1, quiet1 + SR / 5, 0.001f);
        x[quiet1 + 1234] = 0f; // the single quietest sample of that window
        List<LongAudio.Chunk> chunks = LongAudio.split(x, 20);
        assertEquals(quiet1 + 1234, chunks.get(0).length());
        assertEquals(0, chunks.get(0).startSample());
        assertEquals(quiet1 + 1234, chunks.get(1).startSample());
        // chunks tile the input exactly
        long covered = 0;
        float[] joined = new float[x.length];
        for (LongAudio.Chunk c : chunks) {
            assertEquals(covered, c.startSample());
            System.arraycopy(c.samples(), 0, joined, (int) covered, c.length());
            covered += c.length();
            assertTrue(c.length() <= 25 * SR, "no chunk longer than the target + search range");
        }
        assertEquals(x.length, covered);
        assertArrayEquals(x, joined);
        assertEquals(chunks.get(1).startSeconds(), chunks.get(0).endSeconds(), 1e-12);
    }

    @Test
    void padsAShortTailToHalfASecondAfterASplit() {
        float[] x = noise(SR * 20 + SR / 10, 3); // 20.1 s with 20 s chunks: the cut lands somewhere in [15 s, 20.1 s)
        List<LongAudio.Chunk> chunks = LongAudio.split(x, 20);
        assertEquals(2, chunks.size());
        LongAudio.Chunk tail = chunks.get(1);
        assertEquals(x.length, tail.startSample() + tail.length());
        assertTrue(tail.samples().length >= SR / 2);
        for (int i = tail.length(); i < tail.samples().length; i++) assertEquals(0f, tail.samples()[i]);
    }
}
