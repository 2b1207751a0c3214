package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** InfLLM-v2 selection rules of §4.3 on hand-made compressed keys (tiny config: 6 blocks kept). */
class BlockSelectorTest {

    private static final SalaConfig.Sparse TINY = new SalaConfig.Sparse(32, 16, 1, 64, 128, 4, 512);
    private static final int DIM = 3;

    @Test
    void shortContextsSelectEveryBlock() {
        BlockSelector s = new BlockSelector(TINY, DIM);
        boolean[] chosen = s.select(new float[DIM], new int[] {0}, new float[0], 0, new float[0], 0, 6 * 64 - 1);
        assertEquals(6, chosen.length);
        for (boolean c : chosen) assertEquals(true, c);
    }

    /** Equal windows everywhere: only the tie rule decides, so the lowest free blocks win. */
    @Test
    void exactTiesGoToTheSmallerBlockIndex() {
        int p = 12 * 64 + 5;                         // query block 12: forced 0, 10, 11, 12
        WindowMeans fine = new WindowMeans(32, 16, 1, DIM);
        WindowMeans coarse = new WindowMeans(128, 64, 1, DIM);
        float[] keys = new float[(p + 1) * DIM];
        for (int t = 0; t <= p; t++) keys[t * DIM] = 1f;   // identical keys
        fine.push(keys, p + 1);
        coarse.push(keys, p + 1);
        BlockSelector s = new BlockSelector(TINY, DIM);
        boolean[] chosen = s.select(new float[] {1f, 0f, 0f}, new int[] {0}, fine.means(0), fine.visibleAt(p),
                coarse.means(0), coarse.visibleAt(p), p);
        boolean[] expected = new boolean[13];
        for (int b : new int[] {0, 1, 2, 10, 11, 12}) expected[b] = true;
        assertArrayEquals(expected, chosen);
    }

    /** A block wins through any of the five windows overlapping it, and groups sum their heads' probabilities. */
    @Test
    void poolsOverlappingWindowsAndSumsHeads() {
        int p = 12 * 64 + 40;
        int n1 = (p + 1 - 32) / 16 + 1;
        float[] fine = new float[n1 * DIM];
        float[] coarse = new float[((p + 1 - 128) / 64 + 1) * DIM];
        fine[23 * DIM] = 4f;        // head 0 likes window 23, which blocks 5 (windows 19..23) and 6 (23..27) share
        fine[12 * DIM + 1] = 3f;    // head 1 likes window 12, in block 3 (windows 11..15) only
        BlockSelector s = new BlockSelector(TINY, DIM);
        float[] q = {2f, 0f, 0f, 0f, 2f, 0f};
        boolean[] chosen = s.select(q, new int[] {0, DIM}, fine, n1, coarse, coarse.length / DIM, p);
        boolean[] expected = new boolean[13];
        // forced 0, 10, 11, 12; two free picks: blocks 5 and 6 (exp(8/√3) from head 0) beat block 3 (exp(6/√3))
        for (int b : new int[] {0, 5, 6, 10, 11, 12}) expected[b] = true;
        assertArrayEquals(expected, chosen);
    }

    /** Windows over identical keys are bit-identical wherever they sit, also when pushed in pieces. */
    @Test
    void windowMeansDoNotDependOnPositionOrPushSizes() {
        Random r = new Random(3);
        float[] pattern = new float[48 * DIM];
        for (int i = 0; i < pattern.length; i++) pattern[i] = (float) r.nextGaussian();
        int total = 48 * 9;
        float[] keys = new float[total * DIM];
        for (int t = 0; t < total; t++) System.arraycopy(pattern, (t % 48) * DIM, keys, t * DIM, DIM);
        WindowMeans whole = new WindowMeans(32, 16, 1, DIM);
        whole.push(keys, total);
        WindowMeans pieces = new WindowMeans(32, 16, 1, DIM);
        for (int t = 0; t < total; ) {
            int n = Math.min(total - t, 1 + r.nextInt(40));
            float[] chunk = new float[n * DIM];
            System.arraycopy(keys, t * DIM, chunk, 0, n * DIM);
            pieces.push(chunk, n);
            t += n;
        }
        assertEquals((total - 32) / 16 + 1, whole.count());
        assertEquals(whole.count(), pieces.count());
        for (int j = 0; j < whole.count(); j++) {
            for (int i = 0; i < DIM; i++) {
                assertEquals(whole.means(0)[j * DIM + i], pieces.means(0)[j * DIM + i], 0f);
                // period 48 = 3 windows: window j equals window j + 3 bit for bit
                if (j + 3 < whole.count()) assertEquals(whole.means(0)[j * DIM + i], whole.means(0)[(j + 3) * DIM + i], 0f);
            }
            double expected = 0;
            for (int t = j * 16; t < j * 16 + 32; t++) expected += keys[t * DIM];
            assertEquals(expected / 32, whole.means(0)[j * DIM], 1e-6);
        }
    }
}
