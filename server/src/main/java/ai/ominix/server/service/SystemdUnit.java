package ai.ominix.server.service;

import java.util.Map;
import java.util.TreeMap;

/** The Linux {@code systemd --user} unit: restarted on failure, started with the user's session. */
public final class SystemdUnit {
    private SystemdUnit() {}

    public static String render(ServiceSpec spec) {
        StringBuilder u = new StringBuilder();
        u.append("[Unit]\n");
        u.append("Description=ominix local OpenAI-compatible speech and chat server\n");
        u.append("After=network-online.target\n\n");
        u.append("[Service]\n");
        u.append("Type=simple\n");
        u.append("ExecStart=");
        boolean first = true;
        for (String arg : spec.command()) {
            if (!first) u.append(' ');
            u.append(quote(arg, true));
            first = false;
        }
        u.append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(spec.environment()).entrySet()) {
            u.append("Environment=").append(quote(e.getKey() + "=" + e.getValue(), false)).append('\n');
        }
        u.append("WorkingDirectory=").append(spec.home().toString().replace("%", "%%")).append('\n');
        u.append("Restart=on-failure\n");
        u.append("RestartSec=5\n");
        // The server drains in-flight requests for 10 s on SIGTERM; give it room.
        u.append("TimeoutStopSec=30\n\n");
        u.append("[Install]\n");
        u.append("WantedBy=default.target\n");
        return u.toString();
    }

    /**
     * One word of an ExecStart/Environment line: double quotes with C-style escapes and {@code %}
     * doubled (no specifier expansion); in ExecStart also {@code $} doubled (no variable expansion;
     * Environment= never expands variables).
     */
    static String quote(String s, boolean execStart) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '%' -> out.append("%%");
                case '$' -> out.append(execStart ? "$$" : "$");
                case '\n', '\r' -> throw new IllegalArgumentException("newline in a service argument");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
