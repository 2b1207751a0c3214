package ai.ominix.models.sala;

import ai.ominix.kernel.cpu.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * InfLLM-v2 block selection for one query and one kv group (§4.3 rules 2-6), on the host:
 * <ol>
 *   <li>stage-1 score of window j: {@code S(j) = Σ_{h∈g} exp(q_h·C1_j/√d − z_h)} with
 *       {@code z_h = log Σ_j' exp(q_h·C2_j'/√d)} over the coarse windows (zero when none is visible yet);</li>
 *   <li>block score {@code β(b) = max S(j)} over the windows overlapping block b
 *       ({@code b·s−1 ≤ j ≤ b·s+s−1}, s = windows per block);</li>
 *   <li>the first {@code init_blocks} blocks and the query's block with the {@code local_blocks}
 *       before it are forced;</li>
 *   <li>the {@code topk + local_blocks} highest β among blocks ≤ the query's, ties → smaller index.</li>
 * </ol>
 * Every score is computed by the same dot-product code over the same length, so equal windows give
 * bit-equal scores and the tie rule, not rounding, orders them.
 */
final class BlockSelector {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final SalaConfig.Sparse config;
    private final int dim;
    private final float scale;

    BlockSelector(SalaConfig.Sparse config, int dim) {
        this.config = config;
        this.dim = dim;
        this.scale = (float) (1 / Math.sqrt(dim));
    }

    /**
     * Blocks attended by the query at position {@code p}.
     *
     * @param q      query rows of the group's heads: head {@code i} at {@code q[qOffsets[i] .. + dim]}
     * @param fine   the C1 windows (kernel_size / kernel_stride) of this group
     * @param coarse the C2 windows (4× kernel_size / 4× kernel_stride)
     * @return {@code selected[b]} for blocks {@code b ≤ p / block_size}
     */
    boolean[] select(float[] q, int[] qOffsets, float[] fine, int fineVisible, float[] coarse, int coarseVisible, int p) {
        int blocks = p / config.blockSize() + 1;
        boolean[] selected = new boolean[blocks];
        int keep = config.selectedBlocks();
        if (blocks <= keep) {
            java.util.Arrays.fill(selected, true);
            return selected;
        }
        float[] score = windowScores(q, qOffsets, fine, fineVisible, coarse, coarseVisible);
        long[] order = new long[blocks];
        int perBlock = config.windowsPerBlock();
        int queryBlock = blocks - 1;
        for (int b = 0; b < blocks; b++) {
            float beta;
            if (b < config.initBlocks() || b >= queryBlock - config.localBlocks()) {
                beta = Float.POSITIVE_INFINITY;
            } else {
                beta = Float.NEGATIVE_INFINITY;
                int last = Math.min(b * perBlock + perBlock, fineVisible);
                for (int j = Math.max(b * perBlock - 1, 0); j < last; j++) beta = Math.max(beta, score[j]);
            }
            order[b] = ((long) descending(beta) << 32) | b;   // sorts by β descending, then block ascending
        }
        java.util.Arrays.sort(order);
        for (int i = 0; i < keep; i++) selected[(int) order[i]] = true;
        return selected;
    }

    private float[] windowScores(float[] q, int[] qOffsets, float[] fine, int fineVisible, float[] coarse, int coarseVisible) {
        float[] score = new float[fineVisible];
        if (coarseVisible == 0) return score;   // the kernel leaves rows before the first coarse window at zero
        float[] coarseLogits = new float[coarseVisible];
        for (int qo : qOffsets) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < coarseVisible; j++) {
                coarseLogits[j] = dot(q, qo, coarse, j * dim) * scale;
                max = Math.max(max, coarseLogits[j]);
            }
            double sum = 0;
            for (int j = 0; j < coarseVisible; j++) sum += Math.exp(coarseLogits[j] - max);
            double logZ = max + Math.log(sum);
            for (int j = 0; j < fineVisible; j++) {
                score[j] += (float) Math.exp(dot(q, qo, fine, j * dim) * scale - logZ);
            }
        }
        return score;
    }

    /** Vectorized; the lane split depends only on {@code dim}, so every window is summed the same way. */
    private float dot(float[] a, int ao, float[] b, int bo) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int end = F.loopBound(dim); i < end; i += F.length()) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float sum = Lanes.sum(acc);
        for (; i < dim; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    /** An int whose signed order is the descending order of {@code f} (NaN-free input). */
    private static int descending(float f) {
        int bits = Float.floatToIntBits(f);
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
        return ~ascending;
    }
}
