package ai.ominix.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The safetensors files of a model directory and which file holds each tensor. Discovery order:
 * {@code model.safetensors.index.json} (its {@code weight_map}), else {@code model.safetensors},
 * else every {@code *.safetensors} in name order. Every file's header is validated, every index
 * entry must name a file inside the directory that holds that tensor, and no tensor may appear in
 * two files.
 */
public record Checkpoint(Path dir, List<Path> files, Map<String, Path> weightMap) {

    public static final String INDEX = "model.safetensors.index.json";
    public static final String SINGLE = "model.safetensors";

    public Checkpoint {
        files = List.copyOf(files);
        weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
    }

    public static Checkpoint discover(Path dir) {
        if (!Files.isDirectory(dir)) throw new WeightsFormatException("model directory " + dir + " does not exist");
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) return fromIndex(dir, index);
        if (Files.isRegularFile(dir.resolve(SINGLE))) return fromFiles(dir, List.of(dir.resolve(SINGLE)));
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new WeightsFormatException("cannot list model directory " + dir + ": " + e.getMessage(), e);
        }
        if (all.isEmpty()) throw new WeightsFormatException("no .safetensors files in " + dir);
        return fromFiles(dir, all);
    }

    private static Checkpoint fromFiles(Path dir, List<Path> files) {
        return new Checkpoint(dir, files, owners(dir, files));
    }

    /** Which file stores each tensor, from the validated headers; a tensor stored twice is an error. */
    private static Map<String, Path> owners(Path dir, Collection<Path> files) {
        Map<String, Path> map = new LinkedHashMap<>();
        for (Path f : files) {
            for (String name : SafetensorsHeader.read(f).entries().keySet()) {
                Path prev = map.put(name, f);
                if (prev != null) {
                    throw new WeightsFormatException("tensor '" + name + "' is stored in both " + prev.getFileName()
                            + " and " + f.getFileName() + " in " + dir);
                }
            }
        }
        return map;
    }

    private static Checkpoint fromIndex(Path dir, Path index) {
        JsonNode wm = JsonFile.read(index).get("weight_map");
        if (wm == null || !wm.isObject()) throw new WeightsFormatException(index + ": no weight_map object");
        Path base = dir.toAbsolutePath().normalize();
        Map<String, Path> map = new LinkedHashMap<>();
        Set<Path> files = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> e : wm.properties()) {
            if (!e.getValue().isTextual()) {
                throw new WeightsFormatException(index + ": weight_map entry '" + e.getKey() + "' is not a file name");
            }
            Path f = base.resolve(e.getValue().asText()).normalize();
            if (!f.startsWith(base) || f.equals(base)) {
                throw new WeightsFormatException(index + ": weight_map entry '" + e.getKey() + "' points outside the model directory: "
                        + e.getValue().asText());
            }
            if (!Files.isRegularFile(f)) {
                throw new WeightsFormatException(index + ": tensor '" + e.getKey() + "' is mapped to missing file " + e.getValue().asText());
            }
            map.put(e.getKey(), f);
            files.add(f);
        }
        if (map.isEmpty()) throw new WeightsFormatException(index + ": empty weight_map");
        Map<String, Path> owner = owners(dir, files);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Path> e : map.entrySet()) {
            if (!e.getValue().equals(owner.get(e.getKey()))) missing.add(e.getKey() + " (in " + e.getValue().getFileName() + ")");
        }
        if (!missing.isEmpty()) {
            throw new WeightsFormatException(index + ": " + missing.size() + " indexed tensors are not in their files: "
                    + String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : ""));
        }
        return new Checkpoint(dir, new ArrayList<>(files), map);
    }
}
