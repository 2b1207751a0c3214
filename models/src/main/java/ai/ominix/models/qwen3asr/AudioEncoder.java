package ai.ominix.models.qwen3asr;

import ai.ominix.engine.Cancellation;
import ai.ominix.kernel.AttentionMask;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.nn.Attention;
import ai.ominix.nn.LayerNorm;
import ai.ominix.nn.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The audio tower ("AuT", qwen3-asr.md §3): log-mel cut into 100-frame chunks → three stride-2
 * 3×3 convolutions with GELU → flatten (channel, freq) → {@code conv_out} → sinusoidal positions
 * restarting in every chunk → pre-LN transformer layers attending within windows of 8 chunks
 * (104 tokens) → LayerNorm → Linear-GELU-Linear projector to the decoder width.
 *
 * <p>Convolutions, positions and everything after attention are per chunk or per token, and
 * attention never crosses a window, so the tower runs one group of whole windows at a time
 * (one {@link Backend#eval} each) with the same result as running the whole input at once.
 */
final class AudioEncoder {

    /** Windows encoded per evaluation: bounds activation memory on long inputs. */
    private static final int WINDOWS_PER_GROUP = 8;

    private record Layer(LayerNorm attnNorm, Linear q, Linear k, Linear v, Linear out,
                         LayerNorm ffnNorm, Linear fc1, Linear fc2) {}

    private final Qwen3AsrConfig.Audio config;
    private final Tensor[] convWeight = new Tensor[3];
    /** Layout conversions this encoder made itself (the checkpoint's tensors belong to the weights). */
    private final List<Tensor> owned = new ArrayList<>();
    private final Tensor[] convBias = new Tensor[3];
    private final Linear convOut;
    private final List<Layer> layers = new ArrayList<>();
    private final LayerNorm lnPost;
    private final Linear proj1;
    private final Linear proj2;
    /** Positions of a full chunk's tokens {@code [tokens, dModel]}; a shorter (single) chunk uses the first rows. */
    private final float[] positions;

    AudioEncoder(Weights w, Qwen3AsrConfig.Audio c) {
        this.config = c;
        String p = "audio_tower.";
        Tensor first = w.get(p + "conv2d1.weight");
        // mlx-community stores [out, kh, kw, in] (channels-last); the original checkpoint [out, in, kh, kw]
        boolean torchLayout = first.rank() == 4 && first.dim(1) == 1 && first.dim(3) != 1;
        for (int i = 0; i < 3; i++) {
            Tensor wt = w.get(p + "conv2d" + (i + 1) + ".weight");
            convWeight[i] = torchLayout ? Scope.detach(wt.backend().transpose(wt, 0, 2, 3, 1)) : wt;
            if (torchLayout) owned.add(convWeight[i]);
            convBias[i] = w.get(p + "conv2d" + (i + 1) + ".bias");
            int in = i == 0 ? 1 : c.convChannels();
            int[] s = convWeight[i].shape();
            if (s.length != 4 || s[0] != c.convChannels() || s[1] != 3 || s[2] != 3 || s[3] != in) {
                throw new IllegalArgumentException(p + "conv2d" + (i + 1) + ".weight is " + Tensor.describe(wt)
                        + ", expected [" + c.convChannels() + ", 3, 3, " + in + "]");
            }
        }
        convOut = Linear.load(w, p + "conv_out", c.convChannels() * c.convFreqBins(), false);
        for (int i = 0; i < c.layers(); i++) {
            String l = p + "layers." + i + ".";
            float eps = 1e-5f;
            layers.add(new Layer(
                    LayerNorm.load(w, l + "self_attn_layer_norm", eps),
                    Linear.load(w, l + "self_attn.q_proj", c.dModel(), true),
                    Linear.load(w, l + "self_attn.k_proj", c.dModel(), true),
                    Linear.load(w, l + "self_attn.v_proj", c.dModel(), true),
                    Linear.load(w, l + "self_attn.out_proj", c.dModel(), true),
                    LayerNorm.load(w, l + "final_layer_norm", eps),
                    Linear.load(w, l + "fc1", c.dModel(), true),
                    Linear.load(w, l + "fc2", c.ffnDim(), true)));
        }
        lnPost = LayerNorm.load(w, p + "ln_post", 1e-5f);
        proj1 = Linear.load(w, p + "proj1", c.dModel(), true);
        proj2 = Linear.load(w, p + "proj2", c.dModel(), true);
        positions = sinusoids(c.chunkTokens(), c.dModel());
    }

    /** Releases the tensors this encoder created itself; the checkpoint's own go with its weights. */
    void close() {
        owned.forEach(Tensor::close);
    }

    /**
     * Encodes a log-mel spectrogram {@code mel[f * frames + t]} ({@code [nMels][frames]}) into
     * {@code [N, outputDim]} audio vectors, N = {@link Qwen3AsrConfig#audioTokens}(frames). The
     * result belongs to the caller's scope.
     */
    Tensor encode(Backend b, float[] mel, int frames, Cancellation cancel) {
        int nMels = config.numMelBins();
        if (mel.length != nMels * frames || frames <= 0) {
            throw new IllegalArgumentException("mel has " + mel.length + " values, expected " + nMels + " x " + frames);
        }
        int chunk = config.chunkFrames();
        int chunks = Math.ceilDiv(frames, chunk);
        // all chunks are zero-padded to the longest one, which is a full chunk unless there is only one
        int padded = chunks == 1 ? frames : chunk;
        int chunksPerWindow = Math.max(1, config.nWindowInfer() / chunk);
        int groupChunks = chunksPerWindow * WINDOWS_PER_GROUP;
        List<Tensor> parts = new ArrayList<>();
        for (int first = 0; first < chunks; first += groupChunks) {
            if (cancel != null) cancel.check();
            int count = Math.min(groupChunks, chunks - first);
            try (Scope group = Scope.open()) {
                Tensor h = group(b, mel, frames, first, count, padded, chunksPerWindow);
                b.eval(h);
                parts.add(group.keep(h));
            }
        }
        return parts.size() == 1 ? parts.getFirst() : b.concatenate(parts, 0);
    }

    /** Chunks {@code [first, first + count)}: conv stem, positions, layers and head. */
    private Tensor group(Backend b, float[] mel, int frames, int first, int count, int padded, int chunksPerWindow) {
        int nMels = config.numMelBins();
        int chunk = config.chunkFrames();
        float[] host = new float[count * nMels * padded];
        int lastLen = 0;
        for (int i = 0; i < count; i++) {
            int start = (first + i) * chunk;
            int len = Math.min(chunk, frames - start);
            lastLen = len;
            for (int f = 0; f < nMels; f++) {
                System.arraycopy(mel, f * frames + start, host, (i * nMels + f) * padded, len);
            }
        }
        // [chunks, freq, time, 1]: channels-last image with frequency as height
        Tensor x = b.fromArray(host, count, nMels, padded, 1);
        for (int i = 0; i < 3; i++) x = b.gelu(b.conv2d(x, convWeight[i], convBias[i], 2, 2, 1, 1));
        int freq = x.dim(1);
        int time = x.dim(2);
        // feature index = channel * freq + f (upstream flattens [channel, freq])
        x = b.reshape(b.transpose(x, 0, 2, 3, 1), count, time, config.convChannels() * freq);
        float[] pos = time * config.dModel() == positions.length ? positions : Arrays.copyOf(positions, time * config.dModel());
        x = b.add(convOut.apply(x), b.fromArray(pos, time, config.dModel()));
        x = b.reshape(x, count * time, config.dModel());
        int valid = (count - 1) * time + Qwen3AsrConfig.convolved(lastLen);
        if (valid < count * time) x = b.slice(x, 0, 0, valid);
        int window = time * chunksPerWindow;
        for (Layer l : layers) {
            Tensor y = l.attnNorm().apply(x);
            x = b.add(x, l.out().apply(windowedAttention(b, l.q().apply(y), l.k().apply(y), l.v().apply(y), window)));
            y = l.ffnNorm().apply(x);
            x = b.add(x, l.fc2().apply(b.gelu(l.fc1().apply(y))));
        }
        return proj2.apply(b.gelu(proj1.apply(lnPost.apply(x))));
    }

    /** Bidirectional attention inside consecutive blocks of {@code window} rows, nothing across blocks. */
    private Tensor windowedAttention(Backend b, Tensor q, Tensor k, Tensor v, int window) {
        int n = q.dim(0);
        int full = n / window;
        int rest = n - full * window;
        float scale = (float) (1.0 / Math.sqrt(config.headDim()));
        List<Tensor> out = new ArrayList<>(2);
        if (full > 0) out.add(attend(b, q, k, v, 0, full * window, full, scale));
        if (rest > 0) out.add(attend(b, q, k, v, full * window, n, 1, scale));
        return out.size() == 1 ? out.getFirst() : b.concatenate(out, 0);
    }

    private Tensor attend(Backend b, Tensor q, Tensor k, Tensor v, int from, int to, int windows, float scale) {
        int heads = config.heads();
        int hd = config.headDim();
        Tensor qs = Attention.splitHeads(b.slice(q, 0, from, to), windows, heads, hd);
        Tensor ks = Attention.splitHeads(b.slice(k, 0, from, to), windows, heads, hd);
        Tensor vs = Attention.splitHeads(b.slice(v, 0, from, to), windows, heads, hd);
        return Attention.mergeHeads(b.scaledDotProductAttention(qs, ks, vs, scale, AttentionMask.none()));
    }

    /** Whisper's sinusoid table {@code [length, channels]}: sin in the first half, cos in the second. */
    static float[] sinusoids(int length, int channels) {
        int half = channels / 2;
        double inc = Math.log(10000.0) / (half - 1);
        float[] table = new float[length * channels];
        for (int pos = 0; pos < length; pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.exp(-inc * i);
                table[pos * channels + i] = (float) Math.sin(angle);
                table[pos * channels + half + i] = (float) Math.cos(angle);
            }
        }
        return table;
    }
}
