package ai.ominix.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The 30 languages Qwen3-ASR accepts (upstream {@code SUPPORTED_LANGUAGES}, qwen3-asr.md §4),
 * by canonical name, with the ISO-639 codes OpenAI clients send ({@code language=en}).
 */
public final class Languages {

    private static final Map<String, String> BY_KEY = new LinkedHashMap<>();
    private static final List<String> NAMES;

    static {
        String[][] table = {
            {"Chinese", "zh"}, {"English", "en"}, {"Cantonese", "yue"}, {"Arabic", "ar"},
            {"German", "de"}, {"French", "fr"}, {"Spanish", "es"}, {"Portuguese", "pt"},
            {"Indonesian", "id"}, {"Italian", "it"}, {"Korean", "ko"}, {"Russian", "ru"},
            {"Thai", "th"}, {"Vietnamese", "vi"}, {"Japanese", "ja"}, {"Turkish", "tr"},
            {"Hindi", "hi"}, {"Malay", "ms"}, {"Dutch", "nl"}, {"Swedish", "sv"},
            {"Danish", "da"}, {"Finnish", "fi"}, {"Polish", "pl"}, {"Czech", "cs"},
            {"Filipino", "fil", "tl"}, {"Persian", "fa"}, {"Greek", "el"}, {"Romanian", "ro"},
            {"Hungarian", "hu"}, {"Macedonian", "mk"},
        };
        for (String[] row : table) {
            for (String key : row) BY_KEY.put(key.toLowerCase(Locale.ROOT), row[0]);
        }
        NAMES = java.util.Arrays.stream(table).map(r -> r[0]).toList();
    }

    private Languages() {}

    /** The canonical name ("English") for a name in any case or an ISO code ("en"); empty when unsupported. */
    public static Optional<String> canonical(String nameOrCode) {
        if (nameOrCode == null) return Optional.empty();
        return Optional.ofNullable(BY_KEY.get(nameOrCode.strip().toLowerCase(Locale.ROOT)));
    }

    /** Canonical names in upstream order. */
    public static List<String> names() {
        return NAMES;
    }
}
