package ai.ominix.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizer speed next to peers measured in the same run (run by {@code scripts/bench-tokenizer.sh},
 * which also times transformers.js on the same texts):
 * <ul>
 * <li>load: {@link Tokenizers#load} of the real 11 MB Qwen3 tokenizer.json vs a Jackson tree parse
 * of the same file (the approach that took 5–7 s in STACK.md) — best of N;</li>
 * <li>encode: the golden corpus repeated to ~600k characters, cold (fresh tokenizer, empty word
 * cache) and warm, in characters per second.</li>
 * </ul>
 * Arguments: {@code texts.json} (a JSON list of strings, written by this class when absent) and
 * the repeat count.
 */
public final class TokenizerBench {
    private TokenizerBench() {}

    public static void main(String[] args) throws IOException {
        Path models = NpmTokenizerFiles.modelsDir(NpmTokenizerFiles.QWEN3);
        Path textsFile = Path.of(args.length > 0 ? args[0] : "target/tokenizer-bench-texts.json");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> texts = corpus(textsFile);
        long chars = texts.stream().mapToLong(String::length).sum();

        long firstLoad = 0, bestLoad = Long.MAX_VALUE, bestTree = Long.MAX_VALUE;
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            Tokenizers.load(models);
            long t1 = System.nanoTime();
            mapper.readTree(models.resolve("tokenizer.json").toFile());
            long t2 = System.nanoTime();
            if (i == 0) firstLoad = t1 - t0;
            bestLoad = Math.min(bestLoad, t1 - t0);
            bestTree = Math.min(bestTree, t2 - t1);
        }
        System.out.printf("load tokenizer.json (11 MB): first (fresh JVM) %.0f ms, best of %d %.0f ms; "
                        + "Jackson tree parse alone (no model built): best %.0f ms (tree/ours %.2f)%n",
                firstLoad / 1e6, rounds, bestLoad / 1e6, bestTree / 1e6, (double) bestTree / bestLoad);

        long bestCold = Long.MAX_VALUE, bestWarm = Long.MAX_VALUE;
        long tokens = 0;
        for (int i = 0; i < rounds; i++) {
            Tokenizer tok = Tokenizers.load(models);
            long t0 = System.nanoTime();
            tokens = 0;
            for (String s : texts) tokens += tok.encode(s).length;
            long t1 = System.nanoTime();
            for (String s : texts) tok.encode(s);
            long t2 = System.nanoTime();
            bestCold = Math.min(bestCold, t1 - t0);
            bestWarm = Math.min(bestWarm, t2 - t1);
        }
        System.out.printf("encode %d texts, %d chars, %d tokens: cold %.0f ms (%.2f M chars/s), warm %.0f ms (%.2f M chars/s)%n",
                texts.size(), chars, tokens, bestCold / 1e6, chars / (bestCold / 1e3), bestWarm / 1e6, chars / (bestWarm / 1e3));
    }

    /** The golden texts repeated to ~600k characters, each copy varied so the word cache is not trivially hot. */
    private static List<String> corpus(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        if (Files.isRegularFile(file)) {
            return Arrays.asList(mapper.readValue(Files.readString(file, StandardCharsets.UTF_8), String[].class));
        }
        List<String> base = Golden.read("qwen3.golden.json").cases().stream().map(Golden.Case::text).toList();
        List<String> texts = new ArrayList<>();
        long chars = 0;
        for (int copy = 0; chars < 600_000; copy++) {
            for (String s : base) {
                String t = s + " " + copy;
                texts.add(t);
                chars += t.length();
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        mapper.writeValue(file.toFile(), texts);
        return texts;
    }
}
