package ai.ominix.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Locations and hub settings from the environment: {@code OMINIX_HOME} (default {@code ~/.ominix}),
 * {@code HF_HOME} (default {@code ~/.cache/huggingface}), {@code HF_ENDPOINT}, {@code HF_TOKEN}
 * (else the token file the Hugging Face CLI writes).
 */
public record OminixEnv(Map<String, String> env, Path userHome) {

    public static final String DEFAULT_HUB = "https://huggingface.co";

    public static OminixEnv system() {
        return new OminixEnv(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    private String get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public Path ominixHome() {
        String v = get("OMINIX_HOME");
        return v != null ? Path.of(v).toAbsolutePath() : userHome.resolve(".ominix");
    }

    public Path defaultModelsDir() {
        return ominixHome().resolve("models");
    }

    public Path configFile() {
        return ominixHome().resolve("config.json");
    }

    public Path hfHome() {
        String v = get("HF_HOME");
        return v != null ? Path.of(v).toAbsolutePath() : userHome.resolve(".cache").resolve("huggingface");
    }

    /** Where the Hugging Face libraries cache repos ({@code models--owner--name}). */
    public Path hubCache() {
        String v = get("HF_HUB_CACHE");
        return v != null ? Path.of(v).toAbsolutePath() : hfHome().resolve("hub");
    }

    public String hubEndpoint() {
        String v = get("HF_ENDPOINT");
        String e = v != null ? v : DEFAULT_HUB;
        return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
    }

    /** {@code HF_TOKEN}, else the token file, else null. */
    public String hubToken() {
        String v = get("HF_TOKEN");
        if (v != null) return v;
        Path file = hfHome().resolve("token");
        try {
            if (Files.isRegularFile(file)) {
                String t = Files.readString(file).strip();
                return t.isEmpty() ? null : t;
            }
        } catch (IOException ignored) {
            // An unreadable token file is the same as none.
        }
        return null;
    }

    /** {@code OMINIX_API_KEY}, or null. */
    public String apiKey() {
        return get("OMINIX_API_KEY");
    }
}
