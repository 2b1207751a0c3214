package ai.ominix.bench;

import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.tokenizer.TinyTokenizerFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The released models' dimensions (qwen3-asr.md §1 and §8, minicpm-sala.md §1), in one place for
 * the random-weight checkpoints ({@code ominix bench make-weights}) and the kernel shapes of
 * {@code ominix bench kernels}.
 */
public final class RealShapes {

    /** Names as {@code ominix bench make-weights --model} takes them. */
    public static final String QWEN3_ASR_0_6B = "qwen3-asr-0.6b";
    public static final String QWEN3_ASR_1_7B = "qwen3-asr-1.7b";
    public static final String MINICPM_SALA_9B = "minicpm-sala-9b";
    public static final List<String> NAMES = List.of(QWEN3_ASR_0_6B, QWEN3_ASR_1_7B, MINICPM_SALA_9B);

    /** Quantization group size of every mlx-community / moxin-org checkpoint. */
    public static final int GROUP_SIZE = 64;

    private RealShapes() {}

    public static Qwen3AsrConfig qwen3Asr06b() {
        return qwen3Asr(new Qwen3AsrConfig.Audio(128, 896, 18, 14, 3584, 480, 1024, 50, 800),
                new Qwen3AsrConfig.Text(151936, 1024, 3072, 28, 16, 8, 128, 1e-6f, 1_000_000f, true, 65536),
                TinyTokenizerFiles.QWEN3_ASR_FIRST_ADDED_ID);
    }

    public static Qwen3AsrConfig qwen3Asr17b() {
        return qwen3Asr(new Qwen3AsrConfig.Audio(128, 1024, 24, 16, 4096, 480, 2048, 50, 800),
                new Qwen3AsrConfig.Text(151936, 2048, 6144, 28, 16, 8, 128, 1e-6f, 1_000_000f, true, 65536),
                TinyTokenizerFiles.QWEN3_ASR_FIRST_ADDED_ID);
    }

    /**
     * A Qwen3-ASR configuration whose audio token ids sit where the tokenizer's 62 added tokens put
     * them when they start at {@code firstAddedId} (real: 151643 → audio_start 151669, audio_end
     * 151670, audio_pad 151676).
     */
    public static Qwen3AsrConfig qwen3Asr(Qwen3AsrConfig.Audio audio, Qwen3AsrConfig.Text text, int firstAddedId) {
        List<String> added = TinyTokenizerFiles.QWEN3_ASR_ADDED.stream().map(TinyTokenizerFiles.Added::content).toList();
        return new Qwen3AsrConfig(audio, text, firstAddedId + added.indexOf("<|audio_pad|>"),
                firstAddedId + added.indexOf("<|audio_start|>"), firstAddedId + added.indexOf("<|audio_end|>"));
    }

    public static SalaConfig minicpmSala9b() {
        List<Integer> sparseLayers = List.of(0, 9, 16, 17, 22, 29, 30, 31);
        List<SalaConfig.Mixer> mixers = new ArrayList<>();
        for (int l = 0; l < 32; l++) mixers.add(sparseLayers.contains(l) ? SalaConfig.Mixer.SPARSE : SalaConfig.Mixer.LIGHTNING);
        return new SalaConfig(73448, 4096, 16384, 32, 32, 2, 128, 32, mixers, 1e-6f, 10000f, 12f, 1.4f, 256f,
                (float) (1 / Math.sqrt(128)), new SalaConfig.Sparse(32, 16, 1, 64, 2048, 64, 8192), false, 524288, 1,
                Set.of(2, TinyTokenizerFiles.MINICPM_FIRST_ADDED_ID));
    }

    /** One linear layer of a decoder, {@code [out, in]}, as a decode step multiplies it with a vector. */
    public record Linear(String model, String module, int out, int in) {}

    /** Every distinct decoder linear shape of the three models, the output heads included. */
    public static List<Linear> decoderLinears() {
        List<Linear> all = new ArrayList<>();
        for (String name : List.of(QWEN3_ASR_0_6B, QWEN3_ASR_1_7B)) {
            Qwen3AsrConfig.Text t = (name.equals(QWEN3_ASR_0_6B) ? qwen3Asr06b() : qwen3Asr17b()).text();
            int q = t.heads() * t.headDim();
            int kv = t.kvHeads() * t.headDim();
            add(all, name, "self_attn.q_proj", q, t.hidden());
            add(all, name, "self_attn.k_proj/v_proj", kv, t.hidden());
            add(all, name, "self_attn.o_proj", t.hidden(), q);
            add(all, name, "mlp.gate_proj/up_proj", t.intermediate(), t.hidden());
            add(all, name, "mlp.down_proj", t.hidden(), t.intermediate());
            add(all, name, "embed_tokens as output head", t.vocabSize(), t.hidden());
        }
        SalaConfig s = minicpmSala9b();
        int d = s.hiddenSize();
        add(all, MINICPM_SALA_9B, "self_attn.q/k/v/z/o_proj, o_gate", d, d);
        add(all, MINICPM_SALA_9B, "sparse self_attn.k_proj/v_proj", s.numKvHeads() * s.sparseHeadDim(), d);
        add(all, MINICPM_SALA_9B, "mlp.gate_proj/up_proj", s.intermediateSize(), d);
        add(all, MINICPM_SALA_9B, "mlp.down_proj", d, s.intermediateSize());
        add(all, MINICPM_SALA_9B, "lm_head", s.vocabSize(), d);
        return all;
    }

    /** Adds the layer unless the same model already has that shape (one measurement per shape and model). */
    private static void add(List<Linear> all, String model, String module, int out, int in) {
        for (int i = 0; i < all.size(); i++) {
            Linear l = all.get(i);
            if (l.model().equals(model) && l.out() == out && l.in() == in) {
                all.set(i, new Linear(model, l.module() + ", " + module, out, in));
                return;
            }
        }
        all.add(new Linear(model, module, out, in));
    }
}
