package ai.ominix.models.sala;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.kernel.Weights;
import ai.ominix.weights.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checkpoint's modules (§7) as the config implies them: checked against the weights before any
 * module is built, and the one list the checkpoint writers (test fixtures, benchmark weights) walk.
 */
public final class SalaWeights {

    private static final List<String> SUFFIXES = List.of(".weight", ".scales", ".biases");

    private SalaWeights() {}

    /** What a module stores: the embedding table, a linear layer (either may be quantized), or a norm weight. */
    public enum Kind { EMBEDDING, LINEAR, NORM }

    /**
     * One stored module: {@code name.weight} (plus {@code .scales/.biases} when quantized).
     *
     * @param out rows of a linear layer or the embedding; 1 for a norm
     * @param in  columns (input features), or a norm's length
     * @param sparseLayer the module belongs to a sparse ({@code minicpm4}) layer
     */
    public record Module(String name, Kind kind, int out, int in, boolean sparseLayer) {}

    /** The weight files: {@code model.safetensors}, or the shards its index names (validated headers). */
    static List<Path> files(Path dir) {
        return Checkpoint.discover(dir).files();   // WeightsFormatException is a ModelLoadException
    }

    /**
     * Every module in checkpoint order: the embedding, each layer (norms, attention projections and
     * their norms, MLP), the final norm and the untied {@code lm_head}.
     */
    public static List<Module> modules(SalaConfig c) {
        int d = c.hiddenSize();
        List<Module> m = new ArrayList<>();
        m.add(new Module("model.embed_tokens", Kind.EMBEDDING, c.vocabSize(), d, false));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            String a = p + "self_attn.";
            boolean sparse = c.mixers().get(i) == SalaConfig.Mixer.SPARSE;
            m.add(new Module(p + "input_layernorm", Kind.NORM, 1, d, sparse));
            m.add(new Module(p + "post_attention_layernorm", Kind.NORM, 1, d, sparse));
            if (sparse) {
                int heads = c.numHeads() * c.sparseHeadDim();
                int kv = c.numKvHeads() * c.sparseHeadDim();
                m.add(new Module(a + "q_proj", Kind.LINEAR, heads, d, true));
                m.add(new Module(a + "k_proj", Kind.LINEAR, kv, d, true));
                m.add(new Module(a + "v_proj", Kind.LINEAR, kv, d, true));
                m.add(new Module(a + "o_gate", Kind.LINEAR, heads, d, true));
                m.add(new Module(a + "o_proj", Kind.LINEAR, d, heads, true));
            } else {
                int heads = c.numHeads() * c.headDim();
                int kv = c.lightningKvHeads() * c.headDim();
                m.add(new Module(a + "q_proj", Kind.LINEAR, heads, d, false));
                m.add(new Module(a + "k_proj", Kind.LINEAR, kv, d, false));
                m.add(new Module(a + "v_proj", Kind.LINEAR, kv, d, false));
                m.add(new Module(a + "z_proj", Kind.LINEAR, heads, d, false));
                m.add(new Module(a + "q_norm", Kind.NORM, 1, c.headDim(), false));
                m.add(new Module(a + "k_norm", Kind.NORM, 1, c.headDim(), false));
                m.add(new Module(a + "o_norm", Kind.NORM, 1, heads, false));
                m.add(new Module(a + "o_proj", Kind.LINEAR, d, heads, false));
            }
            m.add(new Module(p + "mlp.gate_proj", Kind.LINEAR, c.intermediateSize(), d, sparse));
            m.add(new Module(p + "mlp.up_proj", Kind.LINEAR, c.intermediateSize(), d, sparse));
            m.add(new Module(p + "mlp.down_proj", Kind.LINEAR, d, c.intermediateSize(), sparse));
        }
        m.add(new Module("model.norm", Kind.NORM, 1, d, false));
        if (!c.tieWordEmbeddings()) m.add(new Module("lm_head", Kind.LINEAR, c.vocabSize(), d, false));
        return m;
    }

    /** Fails listing every missing and unexpected tensor. */
    static void check(SalaConfig c, Weights w) {
        List<String> missing = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (Module module : modules(c)) {
            String name = module.name();
            if (!w.contains(name + ".weight")) missing.add(name + ".weight");
            if (w.contains(name + ".scales") != w.contains(name + ".biases")) {
                missing.add(name + (w.contains(name + ".scales") ? ".biases" : ".scales"));
            }
            for (String s : SUFFIXES) known.add(name + s);
        }
        Set<String> unexpected = new TreeSet<>(w.names());
        unexpected.removeAll(known);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new ModelLoadException("checkpoint does not match config.json: missing " + shortList(missing)
                    + ", unexpected " + shortList(new ArrayList<>(unexpected)));
        }
    }

    private static String shortList(List<String> names) {
        if (names.size() <= 8) return names.toString();
        return names.subList(0, 8) + " and " + (names.size() - 8) + " more";
    }
}
