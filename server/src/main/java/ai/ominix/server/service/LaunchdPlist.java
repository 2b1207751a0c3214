package ai.ominix.server.service;

import java.util.Map;
import java.util.TreeMap;

/**
 * The macOS LaunchAgent: started at login (RunAtLoad), restarted when it exits abnormally
 * (KeepAlive/SuccessfulExit=false), output to {@code ~/Library/Logs/ominix/}.
 */
public final class LaunchdPlist {
    private LaunchdPlist() {}

    public static String render(ServiceSpec spec) {
        StringBuilder x = new StringBuilder();
        x.append("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                """);
        key(x, "Label").append("  <string>").append(esc(ServiceSpec.LABEL)).append("</string>\n");
        key(x, "ProgramArguments").append("  <array>\n");
        for (String arg : spec.command()) x.append("    <string>").append(esc(arg)).append("</string>\n");
        x.append("  </array>\n");
        key(x, "RunAtLoad").append("  <true/>\n");
        key(x, "KeepAlive").append("  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n");
        key(x, "ThrottleInterval").append("  <integer>10</integer>\n");
        key(x, "ProcessType").append("  <string>Interactive</string>\n");
        key(x, "WorkingDirectory").append("  <string>").append(esc(spec.home().toString())).append("</string>\n");
        key(x, "EnvironmentVariables").append("  <dict>\n");
        for (Map.Entry<String, String> e : new TreeMap<>(spec.environment()).entrySet()) {
            x.append("    <key>").append(esc(e.getKey())).append("</key>\n    <string>").append(esc(e.getValue())).append("</string>\n");
        }
        x.append("  </dict>\n");
        key(x, "StandardOutPath").append("  <string>").append(esc(spec.paths().macLogDir().resolve("ominix.out.log").toString())).append("</string>\n");
        key(x, "StandardErrorPath").append("  <string>").append(esc(spec.paths().macLogDir().resolve("ominix.err.log").toString())).append("</string>\n");
        x.append("</dict>\n</plist>\n");
        return x.toString();
    }

    private static StringBuilder key(StringBuilder x, String k) {
        return x.append("  <key>").append(k).append("</key>\n");
    }

    /** XML text escaping; characters XML 1.0 cannot carry at all are refused. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        throw new IllegalArgumentException("control character in a service argument");
                    }
                    out.append(c);
                }
            }
        }
        return out.toString();
    }
}
