package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix-vector product of 8- and 4-bit MLX rows, read as 32-bit words: one int vector load
 * holds {@code 32/bits} values per lane, value {@code k} of word {@code j} (bits {@code k·bits ..})
 * being element {@code (32/bits)·j + k} of the chunk. A shift and a mask isolate value slot
 * {@code k} in every lane at once and one int→float conversion widens it, so the activation row is
 * permuted once per call to match: {@code px[c + k·L + j] = x[c + (32/bits)·j + k]} per chunk of
 * {@code L·32/bits} values. This costs fewer instructions per weight than widening bytes (no
 * cross-lane byte shuffles, no second pass for the high nibble), so 4-bit rows are no longer
 * compute-bound before 8-bit ones.
 *
 * <p>{@code y[r] = Σ_g s_g·Σ_{i∈g} q_i·x_i + Σ_g b_g·Σ_{i∈g} x_i}: the scale multiplies a chunk's
 * partial sums in the group epilogue (a chunk holding several groups gets a vector with each
 * lane's group scale), and the bias term is one dot product of the row's biases with the group
 * sums of x, computed once per call.
 *
 * <p>Memory order: a thread's range of rows is cut into four contiguous quarters and each pass
 * takes one row from each quarter (x loaded once for four rows). Four consecutive rows instead
 * would be four short interleaved streams inside one or two pages, which the hardware prefetcher
 * does not follow: measured single-threaded at 1 KiB rows, 8.5 GB/s that way against 15 GB/s
 * with four long streams (a plain sequential read: 19–25 GB/s).
 */
abstract class LaneRows extends QuantRows {

    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, Vec.F.vectorShape());

    /** Values per 32-bit word, and per vector load (a chunk). */
    final int perWord, chunk;
    /** Columns covered by whole chunks; the rest (when cols is not a multiple of the chunk) is summed by scalar code. */
    final int full;
    /** Lane {@code j} of a chunk's scale vector takes the scale of the group holding word {@code j}. */
    final VectorShuffle<Float> groupOfLane;
    /** In the group epilogue test {@code (e & gmask) == last}: after the last chunk of a group, or after every chunk. */
    final int gmask, last;

    LaneRows(MemorySegment packed, long packedBase, MemorySegment scales, long scalesBase, MemorySegment biases,
             long biasesBase, DType scaleType, int rows, int cols, int bits, int group) {
        super(packed, packedBase, scales, scalesBase, biases, biasesBase, scaleType, rows, cols, bits, group);
        perWord = 32 / bits;
        chunk = perWord * Vec.L;
        full = cols - cols % chunk;
        int groupsPerChunk = Math.max(1, chunk / group);
        groupOfLane = VectorShuffle.fromOp(Vec.F, j -> j * groupsPerChunk / Vec.L);
        gmask = Math.max(group, chunk) - 1;
        last = Math.max(group, chunk) - chunk;
    }

    /** Whether the lane kernel handles {@code bits} with this group size (chunks and groups nest). */
    static boolean supports(int bits, int group) {
        if (bits != 8 && bits != 4) return false;
        int chunk = 32 / bits * Vec.L;
        return group % chunk == 0 || chunk % group == 0 && chunk / group <= Vec.L;
    }

    /** x permuted chunk by chunk (the tail as is), then the group sums of x. */
    @Override
    final float[] prepare(float[] x) {
        float[] px = Scratch.VECTOR_X2.get(preparedStride());
        prepareInto(x, 0, px, 0);
        return px;
    }

    @Override
    final Object preparedKey() {
        return java.util.List.of(bits, group);
    }

    /** Floats per prepared activation row: the permuted row, its group sums, zeros up to a whole vector. */
    final int preparedStride() {
        return cols + (groups + Vec.L - 1) / Vec.L * Vec.L;
    }

    /** Writes the prepared form of {@code x[xo, xo+cols)} to {@code px[po, po+preparedStride())}. */
    final void prepareInto(float[] x, int xo, float[] px, int po) {
        int per = perWord, l = Vec.L;
        for (int c = 0; c < full; c += chunk) {
            for (int j = 0; j < l; j++) {
                for (int k = 0; k < per; k++) px[po + c + k * l + j] = x[xo + c + per * j + k];
            }
        }
        System.arraycopy(x, xo + full, px, po + full, cols - full);
        for (int g = 0; g < groups; g++) {
            float s = 0;
            for (int i = xo + g * group; i < xo + (g + 1) * group; i++) s += x[i];
            px[po + cols + g] = s;
        }
        java.util.Arrays.fill(px, po + cols + groups, po + preparedStride(), 0f);
    }

    @Override
    final void matvec(float[] px, MemorySegment y, long yByte, int r0, int r1) {
        int stride = groups + Vec.L;           // a row's scales, padded for the lane shuffle's full-vector load
        int biasAt = 4 * stride, out = biasAt + groups;
        float[] sb = Scratch.SCALES.get(out + 4);
        int q = (r1 - r0 + 3) / 4;
        for (int i = 0; i < q; i++) {
            int ra = r0 + i, rb = Math.min(r0 + q + i, r1 - 1), rc = Math.min(r0 + 2 * q + i, r1 - 1), rd = Math.min(r0 + 3 * q + i, r1 - 1);
            float ba = scalesAndBias(ra, px, 0, sb, 0, biasAt), bb = scalesAndBias(rb, px, 0, sb, stride, biasAt);
            float bc = scalesAndBias(rc, px, 0, sb, 2 * stride, biasAt), bd = scalesAndBias(rd, px, 0, sb, 3 * stride, biasAt);
            rows4(px, sb, stride, packedBase + ra * rowBytes, packedBase + rb * rowBytes, packedBase + rc * rowBytes,
                    packedBase + rd * rowBytes);
            if (full < cols) {
                ba += tail(ra, px, sb, 0);
                bb += tail(rb, px, sb, stride);
                bc += tail(rc, px, sb, 2 * stride);
                bd += tail(rd, px, sb, 3 * stride);
            }
            y.set(Elements.F32, yByte + 4L * ra, sb[out] + ba);
            y.set(Elements.F32, yByte + 4L * rb, sb[out + 1] + bb);
            y.set(Elements.F32, yByte + 4L * rc, sb[out + 2] + bc);
            y.set(Elements.F32, yByte + 4L * rd, sb[out + 3] + bd);
        }
    }

    /** Row {@code r}'s scales to {@code sb[at ..]}; returns its bias term {@code Σ_g b_g·Σx_g} for the prepared row at {@code px[po ..]}. */
    private float scalesAndBias(int r, float[] px, int po, float[] sb, int at, int biasAt) {
        long row = (long) r * groups * scaleType.byteSize();
        if (scaleType == DType.BF16) { // the published checkpoints' format: one fused pass, no calls (measured ~20 % of a 1 KiB row's time before)
            MemorySegment s = scales, b = biases;
            long sRow = scalesBase + row, bRow = biasesBase + row;
            int g = 0, groups = this.groups, cols = po + this.cols;   // where px[po ..]'s group sums start
            FloatVector acc = FloatVector.zero(Vec.F);
            for (; g <= groups - Vec.L; g += Vec.L) {
                Vec.bf16(s, sRow + 2L * g).intoArray(sb, at + g);
                acc = Vec.bf16(b, bRow + 2L * g).fma(FloatVector.fromArray(Vec.F, px, cols + g), acc);
            }
            float bias = Lanes.sum(acc);
            for (; g < groups; g++) {
                sb[at + g] = Float.intBitsToFloat(s.get(Elements.I16, sRow + 2L * g) << 16);
                bias += Float.intBitsToFloat(b.get(Elements.I16, bRow + 2L * g) << 16) * px[cols + g];
            }
            return bias;
        }
        widen(scales, scalesBase + row, 0, groups, sb, at);
        widen(biases, biasesBase + row, 0, groups, sb, biasAt);
        return Vec.dot(sb, biasAt, px, po + cols, groups);
    }

    /** {@code Σ s_g·q·x} over the columns past the last whole chunk (x unpermuted there). */
    private float tail(int r, float[] px, float[] sb, int at) {
        return tail(r, px, 0, sb, at);
    }

    private float tail(int r, float[] px, int po, float[] sb, int at) {
        long row = packedBase + r * rowBytes;
        int mask = (1 << bits) - 1;
        float s = 0;
        for (int c = full; c < cols; c++) {
            long bit = (long) c * bits;
            int q = (packed.get(ValueLayout.JAVA_BYTE, row + (bit >>> 3)) >>> (bit & 7)) & mask;
            s += sb[at + c / group] * q * px[po + c];
        }
        return s;
    }

    /**
     * {@code y[a, r] = Σ_k x[a, k]·W[r, k]} for the {@code m} prepared activation rows in {@code px}
     * ({@link #preparedStride()} apart) and weight rows {@code [r0, r1)}; {@code y} rows are
     * {@code yRowBytes} apart. Each weight row is read from memory once per call; a tile of two
     * weight rows × four activation rows shares every widened weight vector and every activation
     * vector, so a batch of decode steps or a short prompt costs about one decode step's memory
     * traffic plus its FMAs instead of a GEMM with dequantized panels.
     *
     * <p>Every output is computed in exactly {@link #matvec}'s order (group partial sums, the scale
     * in the group epilogue, then the bias term and the tail), so a row's result does not depend on
     * how many rows share the call: a sequence decoded in a batch gets the bits it gets alone.
     */
    final void matmulFew(float[] px, int m, MemorySegment y, long yByte, long yRowBytes, int r0, int r1) {
        int ps = preparedStride();
        int stride = groups + Vec.L, biasAt = 2 * stride, out = biasAt + groups;
        float[] sb = Scratch.SCALES.get(out + 8);
        int q = (r1 - r0 + 1) / 2;   // two long row streams
        for (int i = 0; i < q; i++) {
            int ra = r0 + i, rb = Math.min(r0 + q + i, r1 - 1);
            for (int a0 = 0; a0 < m; a0 += 4) {
                int lastRow = m - 1;
                scalesAndBias(ra, px, 0, sb, 0, biasAt);   // for the scales (each bias term below writes the same ones)
                scalesAndBias(rb, px, 0, sb, stride, biasAt);
                if (m - a0 <= 2) { // two rows (or one) left: half the FMAs of a four-row tile
                    rows2x2(px, ps * a0, ps * Math.min(a0 + 1, lastRow), sb, stride, out, packedBase + ra * rowBytes,
                            packedBase + rb * rowBytes);
                } else {
                    rows2x4(px, ps * a0, ps * Math.min(a0 + 1, lastRow), ps * Math.min(a0 + 2, lastRow), ps * Math.min(a0 + 3, lastRow),
                            sb, stride, out, packedBase + ra * rowBytes, packedBase + rb * rowBytes);
                }
                for (int a = a0; a < Math.min(m, a0 + 4); a++) {
                    float ba = scalesAndBias(ra, px, ps * a, sb, 0, biasAt), bb = scalesAndBias(rb, px, ps * a, sb, stride, biasAt);
                    if (full < cols) {
                        ba += tail(ra, px, ps * a, sb, 0);
                        bb += tail(rb, px, ps * a, sb, stride);
                    }
                    y.set(Elements.F32, yByte + a * yRowBytes + 4L * ra, sb[out + a - a0] + ba);
                    y.set(Elements.F32, yByte + a * yRowBytes + 4L * rb, sb[out + 4 + a - a0] + bb);
                }
            }
        }
    }

    /**
     * {@code Σ_g s_g·Σ q·x} over the whole chunks of weight rows a, b (bytes {@code wa}, {@code wb};
     * scales at {@code sb[0 ..]} and {@code sb[stride ..]}) against the activation rows at
     * {@code px[o0 ..] .. px[o3 ..]}, each in {@link #rows4}'s order; the eight sums go to
     * {@code sb[out ..]}, row a first. Sixteen accumulators (a group's partial sums and the
     * totals) and their operands fit AVX-512's 32 registers.
     */
    private void rows2x4(float[] px, int o0, int o1, int o2, int o3, float[] sb, int stride, int out, long wa, long wb) {
        int full = this.full, chunk = this.chunk, per = perWord, bits = this.bits, mask = (1 << bits) - 1, l = Vec.L;
        int group = this.group, gmask = this.gmask, last = this.last, chunkBytes = chunk * bits / 8;
        MemorySegment w = packed;
        VectorShuffle<Float> lanes = groupOfLane;
        FloatVector zero = FloatVector.zero(Vec.F);
        FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
        FloatVector pa0 = zero, pa1 = zero, pa2 = zero, pa3 = zero, pb0 = zero, pb1 = zero, pb2 = zero, pb3 = zero;
        for (int e = 0, at = 0; e < full; e += chunk, at += chunkBytes) {
            IntVector va = words(w, wa + at), vb = words(w, wb + at);
            for (int k = 0; k < per; k++) {
                int shift = bits * k, xo = e + k * l;
                FloatVector wka = (FloatVector) va.lanewise(VectorOperators.LSHR, shift).and(mask).convert(VectorOperators.I2F, 0);
                FloatVector wkb = (FloatVector) vb.lanewise(VectorOperators.LSHR, shift).and(mask).convert(VectorOperators.I2F, 0);
                FloatVector x0 = FloatVector.fromArray(Vec.F, px, o0 + xo), x1 = FloatVector.fromArray(Vec.F, px, o1 + xo);
                FloatVector x2 = FloatVector.fromArray(Vec.F, px, o2 + xo), x3 = FloatVector.fromArray(Vec.F, px, o3 + xo);
                pa0 = wka.fma(x0, pa0);
                pa1 = wka.fma(x1, pa1);
                pa2 = wka.fma(x2, pa2);
                pa3 = wka.fma(x3, pa3);
                pb0 = wkb.fma(x0, pb0);
                pb1 = wkb.fma(x1, pb1);
                pb2 = wkb.fma(x2, pb2);
                pb3 = wkb.fma(x3, pb3);
            }
            if ((e & gmask) == last) { // end of a group (or of a chunk holding several)
                int g = e / group;
                FloatVector sa = FloatVector.fromArray(Vec.F, sb, g).rearrange(lanes);
                FloatVector sbv = FloatVector.fromArray(Vec.F, sb, stride + g).rearrange(lanes);
                a0 = pa0.fma(sa, a0);
                a1 = pa1.fma(sa, a1);
                a2 = pa2.fma(sa, a2);
                a3 = pa3.fma(sa, a3);
                b0 = pb0.fma(sbv, b0);
                b1 = pb1.fma(sbv, b1);
                b2 = pb2.fma(sbv, b2);
                b3 = pb3.fma(sbv, b3);
                pa0 = zero;
                pa1 = zero;
                pa2 = zero;
                pa3 = zero;
                pb0 = zero;
                pb1 = zero;
                pb2 = zero;
                pb3 = zero;
            }
        }
        sb[out] = Lanes.sum(a0);
        sb[out + 1] = Lanes.sum(a1);
        sb[out + 2] = Lanes.sum(a2);
        sb[out + 3] = Lanes.sum(a3);
        sb[out + 4] = Lanes.sum(b0);
        sb[out + 5] = Lanes.sum(b1);
        sb[out + 6] = Lanes.sum(b2);
        sb[out + 7] = Lanes.sum(b3);
    }

    /** {@link #rows2x4} for two activation rows (sums to {@code sb[out], sb[out + 1]} and {@code sb[out + 4], sb[out + 5]}). */
    private void rows2x2(float[] px, int o0, int o1, float[] sb, int stride, int out, long wa, long wb) {
        int full = this.full, chunk = this.chunk, per = perWord, bits = this.bits, mask = (1 << bits) - 1, l = Vec.L;
        int group = this.group, gmask = this.gmask, last = this.last, chunkBytes = chunk * bits / 8;
        MemorySegment w = packed;
        VectorShuffle<Float> lanes = groupOfLane;
        FloatVector zero = FloatVector.zero(Vec.F);
        FloatVector a0 = zero, a1 = zero, b0 = zero, b1 = zero, pa0 = zero, pa1 = zero, pb0 = zero, pb1 = zero;
        for (int e = 0, at = 0; e < full; e += chunk, at += chunkBytes) {
            IntVector va = words(w, wa + at), vb = words(w, wb + at);
            for (int k = 0; k < per; k++) {
                int shift = bits * k, xo = e + k * l;
                FloatVector wka = (FloatVector) va.lanewise(VectorOperators.LSHR, shift).and(mask).convert(VectorOperators.I2F, 0);
                FloatVector wkb = (FloatVector) vb.lanewise(VectorOperators.LSHR, shift).and(mask).convert(VectorOperators.I2F, 0);
                FloatVector x0 = FloatVector.fromArray(Vec.F, px, o0 + xo), x1 = FloatVector.fromArray(Vec.F, px, o1 + xo);
                pa0 = wka.fma(x0, pa0);
                pa1 = wka.fma(x1, pa1);
                pb0 = wkb.fma(x0, pb0);
                pb1 = wkb.fma(x1, pb1);
            }
            if ((e & gmask) == last) {
                int g = e / group;
                FloatVector sa = FloatVector.fromArray(Vec.F, sb, g).rearrange(lanes);
                FloatVector sbv = FloatVector.fromArray(Vec.F, sb, stride + g).rearrange(lanes);
                a0 = pa0.fma(sa, a0);
                a1 = pa1.fma(sa, a1);
                b0 = pb0.fma(sbv, b0);
                b1 = pb1.fma(sbv, b1);
                pa0 = zero;
                pa1 = zero;
                pb0 = zero;
                pb1 = zero;
            }
        }
        sb[out] = Lanes.sum(a0);
        sb[out + 1] = Lanes.sum(a1);
        sb[out + 4] = Lanes.sum(b0);
        sb[out + 5] = Lanes.sum(b1);
    }

    /**
     * {@code Σ_g s_g·Σ q·x} over the whole chunks of the four rows starting at bytes {@code wa..wd},
     * written to {@code sb[4·stride + groups + 0..3]}; row k's scales are at {@code sb[k·stride ..]}.
     * One flat counted loop with the group epilogue inside (measured 1.6× faster than a group loop
     * around a chunk loop in C2), kept in a small method of its own: C2 stops inlining in a method
     * that grows too large, and a vector op left as a call boxes its operands.
     */
    abstract void rows4(float[] px, float[] sb, int stride, long wa, long wb, long wc, long wd);

    static IntVector words(MemorySegment w, long at) {
        return IntVector.fromMemorySegment(I, w, at, Vec.LE);
    }
}
