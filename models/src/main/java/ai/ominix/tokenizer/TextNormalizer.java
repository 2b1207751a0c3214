package ai.ominix.tokenizer;

import ai.ominix.engine.ModelLoadException;
import com.fasterxml.jackson.databind.JsonNode;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code normalizer} of a {@code tokenizer.json}: a string → string function. */
@FunctionalInterface
interface TextNormalizer {

    String apply(String text);

    TextNormalizer IDENTITY = s -> s;

    static TextNormalizer unicode(Normalizer.Form form) {
        return s -> Normalizer.isNormalized(s, form) ? s : Normalizer.normalize(s, form);
    }

    /** Builds the normalizer a {@code tokenizer.json} describes (null or JSON null: none). */
    static TextNormalizer fromJson(JsonNode node) {
        if (node == null || node.isNull()) return IDENTITY;
        String type = node.path("type").asText();
        return switch (type) {
            case "NFC" -> unicode(Normalizer.Form.NFC);
            case "NFD" -> unicode(Normalizer.Form.NFD);
            case "NFKC" -> unicode(Normalizer.Form.NFKC);
            case "NFKD" -> unicode(Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Prepend" -> {
                String prefix = node.path("prepend").asText();
                yield s -> s.isEmpty() ? s : prefix + s;
            }
            case "Replace" -> replace(node);
            case "Strip" -> {
                boolean left = node.path("strip_left").asBoolean(true);
                boolean right = node.path("strip_right").asBoolean(true);
                yield s -> left && right ? s.strip() : left ? s.stripLeading() : right ? s.stripTrailing() : s;
            }
            case "Sequence" -> {
                List<TextNormalizer> parts = new ArrayList<>();
                for (JsonNode n : node.path("normalizers")) parts.add(fromJson(n));
                yield s -> {
                    for (TextNormalizer p : parts) s = p.apply(s);
                    return s;
                };
            }
            default -> throw new ModelLoadException("unsupported tokenizer normalizer type '" + type + "'");
        };
    }

    private static TextNormalizer replace(JsonNode node) {
        JsonNode pattern = node.path("pattern");
        String content = node.path("content").asText();
        if (pattern.has("String")) {
            String literal = pattern.get("String").asText();
            return s -> s.replace(literal, content);
        }
        if (pattern.has("Regex")) {
            Pattern regex = TokenizerPatterns.compile(pattern.get("Regex").asText());
            String replacement = Matcher.quoteReplacement(content);
            return s -> regex.matcher(s).replaceAll(replacement);
        }
        throw new ModelLoadException("Replace normalizer without a String or Regex pattern: " + node);
    }
}
