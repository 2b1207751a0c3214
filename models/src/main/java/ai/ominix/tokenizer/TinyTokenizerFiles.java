package ai.ominix.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes small tokenizers in exactly the real on-disk formats, for tiny test checkpoints and
 * benchmark weights: Qwen3-ASR's byte-level BPE ({@code vocab.json} + {@code merges.txt} +
 * {@code tokenizer_config.json} with its 62 added tokens) and MiniCPM's SentencePiece BPE
 * ({@code tokenizer.json} + {@code tokenizer_config.json}). Merges are learned from a small English
 * corpus, so prompts encode into realistic multi-character tokens rather than single bytes.
 */
public final class TinyTokenizerFiles {

    /** An added token's text and whether it is {@code special}. */
    public record Added(String content, boolean special) {}

    /** Qwen3-ASR's added tokens in id order; the real ids start at 151643 (qwen3-asr.md §8.5). */
    public static final List<Added> QWEN3_ASR_ADDED = qwen3AsrAdded();

    /** First added id of the real Qwen3-ASR tokenizer. */
    public static final int QWEN3_ASR_FIRST_ADDED_ID = 151643;

    /** MiniCPM's added tokens after the vocabulary, in id order; real ids start at 73440 (minicpm-sala.md §6). */
    public static final List<Added> MINICPM_ADDED = List.of(
            new Added("<|im_end|>", true), new Added("<|im_start|>", true), new Added("<|tool_call|>", true),
            new Added("<|execute_start|>", true), new Added("<|execute_end|>", true), new Added("<|fim_prefix|>", true),
            new Added("<|fim_middle|>", true), new Added("<|fim_suffix|>", true));

    /** First added id of the real MiniCPM-SALA tokenizer. */
    public static final int MINICPM_FIRST_ADDED_ID = 73440;

    /** ChatML, as rendered for plain system/user/assistant messages. */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /**
     * What was written.
     *
     * @param vocabSize 1 + the highest token id (a model's embedding needs at least this many rows)
     * @param addedIds  id of each added token by its text
     */
    public record Written(int vocabSize, Map<String, Integer> addedIds) {
        public int id(String addedToken) {
            Integer id = addedIds.get(addedToken);
            if (id == null) throw new IllegalArgumentException("no added token " + addedToken);
            return id;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A few hundred words of plain English, the kind of text a speech or chat model sees. Editing it
     * changes the learned merges and so every tiny checkpoint's token ids (and goldens made from them).
     */
    static final String CORPUS = """
            The system is a helpful assistant. The user asks a question and the assistant answers it.
            Language English. Please transcribe the audio into text. Hello world, this is a test of the
            speech recognition system. What is the weather like today? It is sunny and warm, with a light
            wind from the west. I would like to book a table for two people at seven o'clock tonight.
            Thank you very much for your help; it's been a pleasure talking with you. Can you tell me the
            time? It's half past three in the afternoon. The quick brown fox jumps over the lazy dog.
            We are testing the model with short sentences, numbers like 1, 2, 3, 10, 42 and 2024, and
            punctuation: commas, periods, question marks! The meeting starts at nine and ends at noon.
            Please remember to bring your notes, the report, and the slides for the presentation.
            In the beginning there was only silence, and then the music started to play again.
            She said that they'll arrive tomorrow morning, but I don't think they will be on time.
            Write a short poem about the sea. The sea is wide and deep and blue; the waves come in and
            go out again. Explain how a transformer model works: attention, layers, and tokens.
            The user said hello, and the assistant said hello back. The system prompt tells the assistant
            what to do. A language model reads the text one token at a time and writes the answer one
            token at a time. The speech model listens to the audio and writes down what it hears, in the
            language that was spoken: English, Chinese, German, French, Spanish or Japanese.
            Good morning! How are you today? I am fine, thank you, and how are you? Let me think about
            that for a moment. Here is what I found: the answer is forty two. Is there anything else I
            can help you with? No, that is all for now. Have a nice day and see you tomorrow.
            Transcribe the following recording. The recording is about ten seconds long and was made in
            a quiet room. The speaker talks about the weather, the news, and the plans for the weekend.
            On Saturday we will go to the park, and on Sunday we will visit our friends in the city.
            """;

    private TinyTokenizerFiles() {}

    /** Qwen3-ASR layout with the added tokens right after the learned vocabulary. */
    public static Written writeQwen3Asr(Path dir) {
        return writeQwen3Asr(dir, -1, 400);
    }

    /**
     * Writes {@code vocab.json}, {@code merges.txt} and {@code tokenizer_config.json} as in the
     * mlx-community Qwen3-ASR checkpoints.
     *
     * @param firstAddedId id of {@code <|endoftext|>} (the real tokenizer: {@link #QWEN3_ASR_FIRST_ADDED_ID}; ids
     *                     between the vocabulary and it stay unused), or -1 for right after the vocabulary
     * @param merges       number of merges to learn (fewer if the corpus runs out of repeated pairs)
     */
    public static Written writeQwen3Asr(Path dir, int firstAddedId, int merges) {
        return writeQwen3Asr(dir, firstAddedId, merges, false);
    }

    /**
     * As {@link #writeQwen3Asr(Path, int, int)}; with {@code tokenizerJson} also the same tokenizer as
     * a Qwen2-layout {@code tokenizer.json} (NFC, Split + ByteLevel pre-tokenizer, ByteLevel decoder),
     * which loaders prefer when present (the original Hugging Face checkpoints ship one).
     */
    public static Written writeQwen3Asr(Path dir, int firstAddedId, int merges, boolean tokenizerJson) {
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        Matcher m = Pattern.compile(TokenizerPatterns.QWEN2, Pattern.UNICODE_CHARACTER_CLASS).matcher(CORPUS);
        while (m.find()) {
            String byteLevel = ByteLevel.encode(m.group().getBytes(StandardCharsets.UTF_8));
            words.merge(byteLevel.codePoints().mapToObj(Character::toString).toList(), 1, Integer::sum);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String c : ByteLevel.alphabet()) vocab.put(c, vocab.size());
        List<String[]> learned = BpeTrainer.learn(words, merges);
        for (String[] pair : learned) vocab.putIfAbsent(pair[0] + pair[1], vocab.size());
        int first = firstAddedId < 0 ? vocab.size() : requireAfter(firstAddedId, vocab.size());

        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("add_bos_token", false);
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        Map<String, Integer> ids = new LinkedHashMap<>();
        ArrayNode additional = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < QWEN3_ASR_ADDED.size(); i++) {
            Added a = QWEN3_ASR_ADDED.get(i);
            decoder.set(Integer.toString(first + i), addedJson(a));
            ids.put(a.content(), first + i);
            if (a.special() && !a.content().equals("<|endoftext|>")) additional.add(a.content());
        }
        config.set("additional_special_tokens", additional);
        config.putNull("bos_token");
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", "<|im_end|>");
        config.put("errors", "replace");
        config.put("model_max_length", 131072);
        config.put("pad_token", "<|endoftext|>");
        config.put("split_special_tokens", false);
        config.put("tokenizer_class", "Qwen2Tokenizer");
        config.putNull("unk_token");

        StringBuilder mergesTxt = new StringBuilder("#version: 0.2\n");
        for (String[] pair : learned) mergesTxt.append(pair[0]).append(' ').append(pair[1]).append('\n');
        write(dir.resolve("vocab.json"), vocab);
        writeText(dir.resolve("merges.txt"), mergesTxt.toString());
        if (tokenizerJson) write(dir.resolve("tokenizer.json"), qwen2TokenizerJson(vocab, learned, first));
        write(dir.resolve("tokenizer_config.json"), config);
        return new Written(first + QWEN3_ASR_ADDED.size(), Map.copyOf(ids));
    }

    /** MiniCPM layout with the added tokens right after the learned vocabulary. */
    public static Written writeMiniCpm(Path dir) {
        return writeMiniCpm(dir, -1, 300);
    }

    /**
     * Writes {@code tokenizer.json} (LlamaTokenizerFast legacy layout: Prepend ▁ + Replace
     * normalizer, BPE with byte fallback and fused unk, {@code <s>} template, ▁/byte-fallback/strip
     * decoder) and {@code tokenizer_config.json} ({@code add_bos_token: true}, ChatML template).
     * Ids: {@code <unk>} 0, {@code <s>} 1, {@code </s>} 2, {@code <0x00>}…{@code <0xFF>} 3…258,
     * then the corpus characters and merges, then {@link #MINICPM_ADDED}.
     *
     * @param firstAddedId id of {@code <|im_end|>} (real: {@link #MINICPM_FIRST_ADDED_ID}), or -1 for right after
     *                     the vocabulary
     */
    public static Written writeMiniCpm(Path dir, int firstAddedId, int merges) {
        char sp = SentencePieceBpeTokenizer.SPACE;
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        Map<String, Integer> charCounts = new TreeMap<>();
        for (String w : CORPUS.strip().split("\\s+")) {
            List<String> chars = (sp + w).codePoints().mapToObj(Character::toString).toList();
            words.merge(chars, 1, Integer::sum);
            for (String c : chars) charCounts.merge(c, 1, Integer::sum);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("<s>", 1);
        vocab.put("</s>", 2);
        for (int b = 0; b < 256; b++) vocab.put(SentencePieceBpeTokenizer.byteToken(b), vocab.size());
        List<String> chars = new ArrayList<>(charCounts.keySet());
        chars.sort((a, b) -> charCounts.get(b) - charCounts.get(a) != 0 ? charCounts.get(b) - charCounts.get(a) : a.compareTo(b));
        for (String c : chars) vocab.putIfAbsent(c, vocab.size());
        List<String[]> learned = BpeTrainer.learn(words, merges);
        for (String[] pair : learned) vocab.putIfAbsent(pair[0] + pair[1], vocab.size());
        int first = firstAddedId < 0 ? vocab.size() : requireAfter(firstAddedId, vocab.size());

        ObjectNode tj = JsonNodeFactory.instance.objectNode();
        tj.put("version", "1.0");
        tj.putNull("truncation");
        tj.putNull("padding");
        ArrayNode added = tj.putArray("added_tokens");
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<Added> all = new ArrayList<>(List.of(new Added("<unk>", true), new Added("<s>", true), new Added("</s>", true)));
        all.addAll(MINICPM_ADDED);
        for (int i = 0; i < all.size(); i++) {
            int id = i < 3 ? i : first + i - 3;
            added.add(addedJson(all.get(i)).put("id", id));
            ids.put(all.get(i).content(), id);
        }
        ObjectNode normalizer = tj.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", String.valueOf(sp));
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", String.valueOf(sp));
        tj.putNull("pre_tokenizer");
        ObjectNode post = tj.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").add(specialItem("<s>", 0)).add(sequenceItem("A", 0));
        post.putArray("pair").add(specialItem("<s>", 0)).add(sequenceItem("A", 0)).add(specialItem("<s>", 1)).add(sequenceItem("B", 1));
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>").put("id", "<s>");
        bos.putArray("ids").add(1);
        bos.putArray("tokens").add("<s>");
        ObjectNode decoder = tj.putObject("decoder").put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode replaceBack = decoders.addObject().put("type", "Replace");
        replaceBack.putObject("pattern").put("String", String.valueOf(sp));
        replaceBack.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = tj.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        ArrayNode mergesNode = model.putArray("merges");
        for (String[] pair : learned) mergesNode.add(pair[0] + " " + pair[1]);

        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("add_bos_token", true);
        config.put("add_eos_token", false);
        ObjectNode decoderCfg = config.putObject("added_tokens_decoder");
        for (int i = 0; i < all.size(); i++) decoderCfg.set(Integer.toString(ids.get(all.get(i).content())), addedJson(all.get(i)));
        config.put("bos_token", "<s>");
        config.put("chat_template", CHATML_TEMPLATE);
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", "<|im_end|>");
        config.put("legacy", true);
        config.put("pad_token", "</s>");
        config.put("tokenizer_class", "LlamaTokenizer");
        config.put("unk_token", "<unk>");

        write(dir.resolve("tokenizer.json"), tj);
        write(dir.resolve("tokenizer_config.json"), config);
        return new Written(first + MINICPM_ADDED.size(), Map.copyOf(ids));
    }

    private static ObjectNode qwen2TokenizerJson(Map<String, Integer> vocab, List<String[]> merges, int first) {
        ObjectNode tj = JsonNodeFactory.instance.objectNode();
        tj.put("version", "1.0");
        tj.putNull("truncation");
        tj.putNull("padding");
        ArrayNode added = tj.putArray("added_tokens");
        for (int i = 0; i < QWEN3_ASR_ADDED.size(); i++) added.add(addedJson(QWEN3_ASR_ADDED.get(i)).put("id", first + i));
        tj.putObject("normalizer").put("type", "NFC");
        ObjectNode pre = tj.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", TokenizerPatterns.QWEN2);
        split.put("behavior", "Isolated").put("invert", false);
        steps.add(byteLevelStep());
        tj.set("post_processor", byteLevelStep());
        tj.set("decoder", byteLevelStep());
        ObjectNode model = tj.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        ArrayNode mergesNode = model.putArray("merges");
        for (String[] pair : merges) mergesNode.addArray().add(pair[0]).add(pair[1]);
        return tj;
    }

    private static ObjectNode byteLevelStep() {
        return JsonNodeFactory.instance.objectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", false).put("use_regex", false);
    }

    private static int requireAfter(int firstAddedId, int vocabSize) {
        if (firstAddedId < vocabSize) {
            throw new IllegalArgumentException("first added id " + firstAddedId + " overlaps the vocabulary of " + vocabSize);
        }
        return firstAddedId;
    }

    private static ObjectNode addedJson(Added a) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("content", a.content());
        n.put("lstrip", false);
        n.put("normalized", false);
        n.put("rstrip", false);
        n.put("single_word", false);
        n.put("special", a.special());
        return n;
    }

    private static ObjectNode specialItem(String id, int typeId) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.putObject("SpecialToken").put("id", id).put("type_id", typeId);
        return n;
    }

    private static ObjectNode sequenceItem(String id, int typeId) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.putObject("Sequence").put("id", id).put("type_id", typeId);
        return n;
    }

    private static List<Added> qwen3AsrAdded() {
        List<Added> out = new ArrayList<>();
        for (String s : List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
                "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>",
                "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>")) {
            out.add(new Added(s, true));
        }
        for (String s : List.of("<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
                "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>", "</think>")) {
            out.add(new Added(s, false));
        }
        for (String s : List.of("<|audio_start|>", "<|audio_end|>", "<tts_pad>", "<tts_text_bos>", "<tts_text_eod>",
                "<tts_text_bos_single>")) {
            out.add(new Added(s, true));
        }
        out.add(new Added("<non_speech>", false));
        out.add(new Added("<|audio_pad|>", true));
        for (int i = 1; i <= 27; i++) out.add(new Added("<blank" + i + ">", true));
        out.add(new Added("<asr_text>", false));
        return List.copyOf(out);
    }

    private static void write(Path file, Object json) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
