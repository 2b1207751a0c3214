package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.weights.JsonFile;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads the tokenizer of a model directory, choosing the implementation by the files present. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * Loads {@code tokenizer.json} when present (BPE with a ByteLevel pre-tokenizer or decoder →
     * {@link ByteLevelBpeTokenizer}; BPE with byte fallback, Metaspace or a ▁-prepending
     * normalizer → {@link SentencePieceBpeTokenizer}), else {@code vocab.json} + {@code merges.txt}
     * (byte-level; Qwen2 pre-tokenizer and NFC unless {@code tokenizer_class} is GPT-2's).
     * {@code tokenizer_config.json} adds {@code added_tokens_decoder}, the special-token roles,
     * {@code add_bos_token}/{@code add_eos_token} and the chat template.
     *
     * @throws ModelLoadException when the files are missing, malformed or describe an unsupported tokenizer
     */
    public static Tokenizer load(Path modelDir) {
        TokenizerConfig config = TokenizerConfig.read(modelDir);
        Path json = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) return fromTokenizerJson(TokenizerJson.read(json), config, json);
        Path vocab = modelDir.resolve("vocab.json");
        Path merges = modelDir.resolve("merges.txt");
        if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) return fromVocabAndMerges(vocab, merges, config);
        throw new ModelLoadException("no tokenizer in " + modelDir + ": expected tokenizer.json, or vocab.json + merges.txt");
    }

    private static BpeTokenizer fromTokenizerJson(TokenizerJson tj, TokenizerConfig config, Path file) {
        JsonNode model = tj.model();
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) throw new ModelLoadException(file + ": model type " + type + " is not supported (BPE only)");
        if (!model.path("continuing_subword_prefix").asText("").isEmpty()
                || !model.path("end_of_word_suffix").asText("").isEmpty()) {
            throw new ModelLoadException(file + ": continuing_subword_prefix/end_of_word_suffix are not supported");
        }
        if (model.hasNonNull("dropout") && model.get("dropout").asDouble() != 0) {
            throw new ModelLoadException(file + ": BPE dropout is not supported");
        }
        BpeModel bpe = new BpeModel(tj.vocab(), tj.merges(), model.path("ignore_merges").asBoolean(false));
        List<AddedToken> added = mergeAdded(tj.addedTokens(), config.addedTokens());
        TextNormalizer normalizer = TextNormalizer.fromJson(tj.normalizer());
        boolean byteLevel = mentions(tj.preTokenizer(), "ByteLevel") || mentions(tj.decoder(), "ByteLevel");
        if (byteLevel) {
            ByteLevelBpeTokenizer.PreTokenizer pre = ByteLevelBpeTokenizer.PreTokenizer.fromJson(tj.preTokenizer());
            BpeTokenizer.Specials specials = specials(config, tj.postProcessor(), bpe, added, -1);
            return new ByteLevelBpeTokenizer(bpe, added, normalizer, specials, pre);
        }
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        boolean sentencePiece = byteFallback || mentions(tj.preTokenizer(), "Metaspace")
                || mentions(tj.normalizer(), "Prepend") || mentions(tj.decoder(), "Metaspace");
        if (!sentencePiece) {
            throw new ModelLoadException(file + ": BPE tokenizer is neither byte-level nor SentencePiece-style");
        }
        String unkName = model.path("unk_token").isTextual() ? model.get("unk_token").asText() : null;
        int modelUnk = unkName == null ? -1 : bpe.id(unkName);
        BpeTokenizer.Specials specials = specials(config, tj.postProcessor(), bpe, added, modelUnk);
        return new SentencePieceBpeTokenizer(bpe, added, normalizer, specials,
                SentencePieceBpeTokenizer.Metaspace.fromJson(tj.preTokenizer()),
                SentencePieceBpeTokenizer.Decoding.fromJson(tj.decoder(), byteFallback),
                modelUnk, byteFallback, model.path("fuse_unk").asBoolean(false));
    }

    private static BpeTokenizer fromVocabAndMerges(Path vocabFile, Path mergesFile, TokenizerConfig config) {
        Map<String, Integer> vocab = new HashMap<>(1 << 18);
        JsonFile.readObject(vocabFile).properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String> merges = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(mergesFile, StandardCharsets.UTF_8)) {
            String line;
            boolean first = true;
            while ((line = r.readLine()) != null) {
                if (first && line.startsWith("#version")) {
                    first = false;
                    continue;
                }
                first = false;
                if (line.isEmpty()) continue;
                TokenizerJson.addMergeLine(line, merges);
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + mergesFile + ": " + e.getMessage(), e);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(mergesFile + ": " + e.getMessage(), e);
        }
        BpeModel bpe = new BpeModel(vocab, merges.toArray(String[]::new), false);
        String cls = config.tokenizerClass() == null ? "Qwen2Tokenizer" : config.tokenizerClass().replace("Fast", "");
        ByteLevelBpeTokenizer.PreTokenizer pre;
        TextNormalizer normalizer;
        switch (cls) {
            case "Qwen2Tokenizer" -> {
                pre = ByteLevelBpeTokenizer.PreTokenizer.qwen2();
                normalizer = TextNormalizer.unicode(Normalizer.Form.NFC);
            }
            case "GPT2Tokenizer" -> {
                pre = ByteLevelBpeTokenizer.PreTokenizer.gpt2();
                normalizer = TextNormalizer.IDENTITY;
            }
            default -> throw new ModelLoadException("vocab.json + merges.txt with tokenizer_class " + cls
                    + " is not supported (Qwen2Tokenizer, GPT2Tokenizer)");
        }
        List<AddedToken> added = mergeAdded(List.of(), config.addedTokens());
        return new ByteLevelBpeTokenizer(bpe, added, normalizer, specials(config, null, bpe, added, -1), pre);
    }

    /** tokenizer.json's added tokens, then those of tokenizer_config.json with ids not yet taken. */
    private static List<AddedToken> mergeAdded(List<AddedToken> fromJson, List<AddedToken> fromConfig) {
        Map<Integer, AddedToken> byId = new LinkedHashMap<>();
        for (AddedToken t : fromJson) byId.put(t.id(), t);
        for (AddedToken t : fromConfig) byId.putIfAbsent(t.id(), t);
        return List.copyOf(byId.values());
    }

    private static BpeTokenizer.Specials specials(TokenizerConfig config, JsonNode postProcessor, BpeModel bpe,
                                                  List<AddedToken> added, int modelUnk) {
        Map<String, Integer> addedIds = new HashMap<>();
        for (AddedToken t : added) addedIds.putIfAbsent(t.content(), t.id());
        java.util.function.ToIntFunction<String> id = name -> {
            if (name == null) return -1;
            Integer a = addedIds.get(name);
            return a != null ? a : bpe.id(name);
        };
        int bos = id.applyAsInt(config.bosToken());
        int eos = id.applyAsInt(config.eosToken());
        int pad = id.applyAsInt(config.padToken());
        int unk = config.unkToken() != null ? id.applyAsInt(config.unkToken()) : modelUnk;
        int[] prefix = {}, suffix = {};
        if (config.addBos() != null || config.addEos() != null) {
            if (Boolean.TRUE.equals(config.addBos())) prefix = requireRole(bos, "add_bos_token", "bos_token");
            if (Boolean.TRUE.equals(config.addEos())) suffix = requireRole(eos, "add_eos_token", "eos_token");
        } else if (postProcessor != null && postProcessor.path("type").asText().equals("TemplateProcessing")) {
            int[][] template = template(postProcessor);
            prefix = template[0];
            suffix = template[1];
        }
        return new BpeTokenizer.Specials(bos, eos, pad, unk, prefix, suffix, config.chatTemplate());
    }

    private static int[] requireRole(int id, String flag, String role) {
        if (id < 0) throw new ModelLoadException("tokenizer_config.json sets " + flag + " but " + role + " names no token");
        return new int[] {id};
    }

    /** The special tokens a TemplateProcessing puts before and after {@code $A} of its single template. */
    private static int[][] template(JsonNode pp) {
        IntArray before = new IntArray(2), after = new IntArray(2);
        boolean seenA = false;
        for (JsonNode item : pp.path("single")) {
            if (item.has("Sequence")) {
                seenA = true;
            } else if (item.has("SpecialToken")) {
                String name = item.get("SpecialToken").path("id").asText();
                JsonNode ids = pp.path("special_tokens").path(name).path("ids");
                if (ids.isEmpty()) throw new ModelLoadException("TemplateProcessing special token " + name + " has no ids");
                for (JsonNode i : ids) (seenA ? after : before).add(i.asInt());
            }
        }
        return new int[][] {before.toArray(), after.toArray()};
    }

    /** Whether a pipeline section (possibly a Sequence) contains a component of this type. */
    private static boolean mentions(JsonNode node, String type) {
        if (node == null || node.isNull()) return false;
        if (type.equals(node.path("type").asText())) return true;
        for (JsonNode child : node) {
            if ((child.isArray() || child.isObject()) && mentions(child, type)) return true;
        }
        return false;
    }
}
