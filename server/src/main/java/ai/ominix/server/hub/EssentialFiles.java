package ai.ominix.server.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which files of a repo make a runnable model (API.md): config.json, the tokenizer files, the
 * other small top-level configs, and the weights (a single {@code model.safetensors}, or the
 * index plus every shard it names). READMEs, images and other formats are skipped.
 */
public final class EssentialFiles {
    static final String INDEX = "model.safetensors.index.json";
    private static final Set<String> EXTRA = Set.of("merges.txt", "vocab.txt", "tokenizer.model", "chat_template.jinja");

    private EssentialFiles() {}

    /** Everything but the shards: config, tokenizer, small JSON, and the single weight file or the index. */
    public static List<HubFile> metadataAndSingleWeights(List<HubFile> tree) {
        Map<String, HubFile> byPath = tree.stream().collect(Collectors.toMap(HubFile::path, Function.identity(), (a, b) -> a));
        if (!byPath.containsKey("config.json")) {
            throw new HubException("the repo has no config.json at its top level; it is not a model repo", 0);
        }
        if (!byPath.containsKey("model.safetensors") && !byPath.containsKey(INDEX)) {
            throw new HubException("the repo has neither model.safetensors nor " + INDEX + " (only safetensors weights are supported)", 0);
        }
        List<HubFile> out = new ArrayList<>();
        for (HubFile f : tree) {
            String p = f.path();
            if (p.contains("/")) continue;
            if (p.endsWith(".json") || EXTRA.contains(p) || p.equals("model.safetensors")) out.add(f);
        }
        return out;
    }

    /** The shards a downloaded index names, each checked to exist in the tree. */
    public static List<HubFile> shards(Path indexFile, List<HubFile> tree) {
        JsonNode index;
        try {
            index = new ObjectMapper().readTree(indexFile.toFile());
        } catch (IOException e) {
            throw new HubException(INDEX + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = index.path("weight_map");
        if (!map.isObject() || map.isEmpty()) throw new HubException(INDEX + " has no weight_map", 0);
        Set<String> names = new TreeSet<>();
        map.forEach(v -> names.add(v.asText()));
        Map<String, HubFile> byPath = tree.stream().collect(Collectors.toMap(HubFile::path, Function.identity(), (a, b) -> a));
        Set<HubFile> out = new LinkedHashSet<>();
        for (String n : names) {
            if (n.contains("/") || n.contains("\\") || n.startsWith(".")) {
                throw new HubException(INDEX + " names an unexpected shard path '" + n + "'", 0);
            }
            HubFile f = byPath.get(n);
            if (f == null) throw new HubException(INDEX + " names shard " + n + ", which the repo does not have", 0);
            out.add(f);
        }
        return new ArrayList<>(out);
    }
}
