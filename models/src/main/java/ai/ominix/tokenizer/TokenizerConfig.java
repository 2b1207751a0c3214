package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.weights.JsonFile;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a model directory's {@code tokenizer_config.json} (and {@code special_tokens_map.json},
 * {@code chat_template.json}/{@code .jinja}) say about special tokens and templates.
 *
 * @param addedTokens    {@code added_tokens_decoder} entries
 * @param addBos         {@code add_bos_token}, null when the file does not say
 * @param addEos         {@code add_eos_token}, null when the file does not say
 * @param tokenizerClass e.g. {@code Qwen2Tokenizer}, {@code LlamaTokenizer}; null when absent
 */
record TokenizerConfig(List<AddedToken> addedTokens, String bosToken, String eosToken, String padToken,
                       String unkToken, Boolean addBos, Boolean addEos, String chatTemplate, String tokenizerClass) {

    static TokenizerConfig read(Path dir) {
        JsonNode config = readJson(dir.resolve("tokenizer_config.json"));
        JsonNode map = readJson(dir.resolve("special_tokens_map.json"));
        List<AddedToken> added = new ArrayList<>();
        JsonNode decoder = config.path("added_tokens_decoder");
        for (Iterator<Map.Entry<String, JsonNode>> it = decoder.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new ModelLoadException("tokenizer_config.json: added_tokens_decoder key '" + e.getKey() + "' is not an id");
            }
            added.add(TokenizerJson.addedToken(id, e.getValue()));
        }
        String template = chatTemplate(config.get("chat_template"));
        if (template == null) template = chatTemplate(readJson(dir.resolve("chat_template.json")).get("chat_template"));
        Path jinja = dir.resolve("chat_template.jinja");
        if (template == null && Files.isRegularFile(jinja)) {
            try {
                template = Files.readString(jinja);
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + jinja + ": " + e.getMessage(), e);
            }
        }
        return new TokenizerConfig(added,
                tokenName(config, map, "bos_token"), tokenName(config, map, "eos_token"),
                tokenName(config, map, "pad_token"), tokenName(config, map, "unk_token"),
                bool(config.get("add_bos_token")), bool(config.get("add_eos_token")),
                template, config.path("tokenizer_class").isTextual() ? config.get("tokenizer_class").asText() : null);
    }

    /** A token is given as a string or as {"content": ...}; null/absent means none. */
    private static String tokenName(JsonNode config, JsonNode map, String key) {
        JsonNode n = config.has(key) ? config.get(key) : map.get(key);
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.asText();
        if (n.path("content").isTextual()) return n.get("content").asText();
        return null;
    }

    private static Boolean bool(JsonNode n) {
        return n == null || n.isNull() ? null : n.asBoolean();
    }

    /** A template is a string, or a list of {"name", "template"} where "default" is the chat one. */
    private static String chatTemplate(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.asText();
        for (JsonNode t : n) {
            if ("default".equals(t.path("name").asText())) return t.path("template").asText();
        }
        return null;
    }

    private static JsonNode readJson(Path file) {
        return Files.isRegularFile(file) ? JsonFile.read(file) : TokenizerJson.MAPPER.createObjectNode();
    }
}
