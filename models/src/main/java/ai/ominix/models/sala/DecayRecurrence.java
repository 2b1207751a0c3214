package ai.ominix.models.sala;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-head decaying linear recurrence of the lightning layers (simple GLA, §3.6):
 * <pre>
 *   S_t = λ_h · S_{t-1} + k_tᵀ v_t        o_t = scale · q_t S_t
 * </pre>
 * with a constant decay {@code λ_h = exp(-s_h)} per head ({@link #slopes ALiBi slopes}). Two
 * equivalent forms: {@link #recurrent} (one token at a time, used for decode) and {@link #chunked}
 * (chunks of {@value #CHUNK} tokens, intra-chunk as a masked matmul; used for prefill). A partial last
 * chunk of length C′ decays the carried state by λ^C′, not λ^C (§8 OMX bug).
 */
final class DecayRecurrence implements AutoCloseable {

    static final int CHUNK = 64;

    private final Backend backend;
    private final double[] slopes;
    private final float scale;
    private final Tensor stepDecay;       // [H, 1, 1] = λ_h
    private final ChunkDecay fullChunk;   // decays of a whole chunk, shared by every call

    DecayRecurrence(Backend backend, int heads, float scale) {
        this.backend = backend;
        this.slopes = slopes(heads);
        this.scale = scale;
        float[] lambda = new float[heads];
        for (int h = 0; h < heads; h++) lambda[h] = (float) Math.exp(-slopes[h]);
        this.stepDecay = Scope.detach(backend.fromArray(lambda, heads, 1, 1));
        this.fullChunk = decays(CHUNK).detached();
    }

    /**
     * Decay rates {@code s_h} for {@code n} heads: ALiBi slopes (HFM {@code _build_slope_tensor}).
     * For a power of two {@code s_h = 2^(-8(h+1)/n)}; otherwise the slopes of the closest lower power
     * of two followed by every other slope of twice that power.
     */
    static double[] slopes(int n) {
        int closest = Integer.highestOneBit(n);
        double[] out = new double[n];
        double[] base = powerOfTwoSlopes(closest);
        System.arraycopy(base, 0, out, 0, closest);
        double[] extra = powerOfTwoSlopes(2 * closest);
        for (int i = 0; i < n - closest; i++) out[closest + i] = extra[2 * i];
        return out;
    }

    private static double[] powerOfTwoSlopes(int n) {
        double start = Math.pow(2, -8.0 / n);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = Math.pow(start, i + 1);
        return s;
    }

    /** One token at a time: {@code q, k, v [H, T, d]} (any T); updates {@code state}; returns {@code o [H, T, d]}. */
    Tensor recurrent(Tensor q, Tensor k, Tensor v, LightningState state) {
        Backend b = backend;
        int steps = q.dim(1);
        List<Tensor> outs = new ArrayList<>(steps);
        Tensor s = state.state();
        for (int t = 0; t < steps; t++) {
            Tensor kt = b.transpose(b.slice(k, 1, t, t + 1), 0, 2, 1);            // [H, d, 1]
            Tensor vt = b.slice(v, 1, t, t + 1);                                  // [H, 1, d]
            s = b.add(b.multiply(s, stepDecay), b.matmul(kt, vt));
            outs.add(b.scale(b.matmul(b.slice(q, 1, t, t + 1), s), scale));       // [H, 1, d]
        }
        state.replace(s);
        return steps == 1 ? outs.getFirst() : b.concatenate(outs, 1);
    }

    /**
     * Chunked form: for local indices i, j of a chunk of length C′,
     * {@code o_i = scale·[Σ_{j≤i} λ^{i-j}(q_i·k_j) v_j + λ^{i+1} q_i S_prev]} and
     * {@code S_next = λ^{C′} S_prev + Σ_j λ^{C′-1-j} k_jᵀ v_j}.
     */
    Tensor chunked(Tensor q, Tensor k, Tensor v, LightningState state) {
        Backend b = backend;
        int length = q.dim(1);
        List<Tensor> outs = new ArrayList<>();
        Tensor s = state.state();
        for (int start = 0; start < length; start += CHUNK) {
            int len = Math.min(CHUNK, length - start);
            Tensor next;
            try (Scope chunk = Scope.open()) {
                ChunkDecay d = len == CHUNK ? fullChunk : decays(len);
                Tensor qc = b.slice(q, 1, start, start + len);
                Tensor kc = b.slice(k, 1, start, start + len);
                Tensor vc = b.slice(v, 1, start, start + len);
                Tensor scores = b.multiply(b.matmul(qc, b.transpose(kc, 0, 2, 1)), d.intra);   // [H, C′, C′]
                Tensor o = b.add(b.matmul(scores, vc), b.matmul(b.multiply(qc, d.query), s));
                outs.add(chunk.keep(b.scale(o, scale)));
                next = chunk.keep(b.add(b.multiply(s, d.carry),
                        b.matmul(b.transpose(b.multiply(kc, d.key), 0, 2, 1), vc)));
            }
            if (s != state.state()) s.close();   // the previous chunk's state is no longer needed
            s = next;
        }
        state.replace(s);
        return outs.size() == 1 ? outs.getFirst() : b.concatenate(outs, 1);
    }

    /**
     * Decay factors of a chunk of length {@code len}: {@code intra[h,i,j] = λ^{i-j}} for j ≤ i else 0,
     * {@code query[h,i] = λ^{i+1}}, {@code key[h,j] = λ^{len-1-j}}, {@code carry[h] = λ^{len}}.
     */
    private ChunkDecay decays(int len) {
        int heads = slopes.length;
        float[] intra = new float[heads * len * len];
        float[] query = new float[heads * len];
        float[] key = new float[heads * len];
        float[] carry = new float[heads];
        for (int h = 0; h < heads; h++) {
            double s = slopes[h];
            for (int i = 0; i < len; i++) {
                for (int j = 0; j <= i; j++) intra[(h * len + i) * len + j] = (float) Math.exp(-s * (i - j));
                query[h * len + i] = (float) Math.exp(-s * (i + 1));
                key[h * len + i] = (float) Math.exp(-s * (len - 1 - i));
            }
            carry[h] = (float) Math.exp(-s * len);
        }
        Backend b = backend;
        return new ChunkDecay(b.fromArray(intra, heads, len, len), b.fromArray(query, heads, len, 1),
                b.fromArray(key, heads, len, 1), b.fromArray(carry, heads, 1, 1));
    }

    private record ChunkDecay(Tensor intra, Tensor query, Tensor key, Tensor carry) {
        ChunkDecay detached() {
            return new ChunkDecay(Scope.detach(intra), Scope.detach(query), Scope.detach(key), Scope.detach(carry));
        }

        void close() {
            intra.close();
            query.close();
            key.close();
            carry.close();
        }
    }

    @Override
    public void close() {
        stepDecay.close();
        fullChunk.close();
    }
}
