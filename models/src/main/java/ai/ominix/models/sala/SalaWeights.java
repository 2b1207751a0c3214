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

/** The checkpoint's tensor names (§7), checked before any module is built. */
final class SalaWeights {

    private static final List<String> SUFFIXES = List.of(".weight", ".scales", ".biases");

    private SalaWeights() {}

    /** The weight files: {@code model.safetensors}, or the shards its index names (validated headers). */
    static List<Path> files(Path dir) {
        return Checkpoint.discover(dir).files();   // WeightsFormatException is a ModelLoadException
    }

    /** The modules (name prefixes) the config implies, each stored as {@code .weight} (+ {@code .scales/.biases}). */
    static List<String> modules(SalaConfig c) {
        List<String> m = new ArrayList<>(List.of("model.embed_tokens", "model.norm"));
        if (!c.tieWordEmbeddings()) m.add("lm_head");
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            m.addAll(List.of(p + "input_layernorm", p + "post_attention_layernorm", p + "mlp.gate_proj",
                    p + "mlp.up_proj", p + "mlp.down_proj", p + "self_attn.q_proj", p + "self_attn.k_proj",
                    p + "self_attn.v_proj", p + "self_attn.o_proj"));
            if (c.mixers().get(i) == SalaConfig.Mixer.SPARSE) {
                m.add(p + "self_attn.o_gate");
            } else {
                m.addAll(List.of(p + "self_attn.z_proj", p + "self_attn.q_norm", p + "self_attn.k_norm",
                        p + "self_attn.o_norm"));
            }
        }
        return m;
    }

    /** Fails listing every missing and unexpected tensor. */
    static void check(SalaConfig c, Weights w) {
        List<String> missing = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (String module : modules(c)) {
            if (!w.contains(module + ".weight")) missing.add(module + ".weight");
            if (w.contains(module + ".scales") != w.contains(module + ".biases")) {
                missing.add(module + (w.contains(module + ".scales") ? ".biases" : ".scales"));
            }
            for (String s : SUFFIXES) known.add(module + s);
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
