package ai.ominix.models.qwen3asr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes what the PyTorch reference needs to (re)generate the golden files: the tiny checkpoints
 * that have goldens, the test clips as WAV, and the case list. Run by
 * {@code models/src/test/python/regenerate_qwen3asr_goldens.sh}; never by the test suite.
 */
public final class GoldenExport {

    private GoldenExport() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: GoldenExport OUT_DIR");
        Path out = Path.of(args[0]);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = json.createObjectNode();
        ObjectNode variants = manifest.putObject("variants");
        for (TinyQwen3Asr.Variant v : TinyQwen3Asr.Variant.values()) {
            if (v.goldenVariant() != v) continue;
            Path dir = TinyQwen3Asr.write(out.resolve(v.dirName), v);
            variants.put(v.dirName, TinyQwen3Asr.contentHash(dir));
        }
        ObjectNode clips = manifest.putObject("clips");
        for (TestClips.Clip c : TestClips.Clip.values()) {
            byte[] wav = TestClips.wav(c);
            Files.createDirectories(out.resolve("clips"));
            Files.write(out.resolve("clips").resolve(c.fileName()), wav);
            clips.put(c.fileName(), TinyQwen3Asr.sha256(wav));
        }
        ArrayNode cases = manifest.putArray("cases");
        for (TestClips.Case c : TestClips.CASES) {
            ObjectNode n = cases.addObject();
            n.put("name", c.name());
            n.put("clip", c.clip().fileName());
            if (c.language() != null) n.put("language", c.language());
            if (c.context() != null) n.put("context", c.context());
        }
        Files.writeString(out.resolve("manifest.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
        System.out.println("wrote " + out.toAbsolutePath());
    }
}
