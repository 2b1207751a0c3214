package ai.ominix.server.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells "systemctl --user could not reach the user's service manager" apart from systemctl
 * failing. Outside a login session (SSH without lingering, su or sudo, containers, CI) no systemd
 * user instance runs, so there is nothing to start the unit: that is a state to explain, not a
 * failure of the unit.
 */
final class UserBus {
    /** What systemctl prints without a bus: v219 says "D-Bus connection", v254 on "user scope bus". */
    private static final Pattern NO_BUS = Pattern.compile(
            "Failed to connect to (user scope )?bus[^\\n]*|Failed to get D-Bus connection[^\\n]*");

    private static final String EXPORT = "export XDG_RUNTIME_DIR=/run/user/$(id -u)";

    private final Map<String, String> env;
    private final String uid;

    UserBus(Map<String, String> env, String uid) {
        this.env = env;
        this.uid = uid;
    }

    /** Why {@code r} failed for want of a user manager; null when it succeeded or failed otherwise. */
    String unreachable(ServiceManager.Result r) {
        if (r.code() == 0) return null;
        Matcher said = NO_BUS.matcher(r.output());
        // 127: no systemctl at all. Some wordings may be missing from NO_BUS; with no socket to
        // connect to, though, no failure can be the unit's.
        boolean recognised = said.find();
        if (!recognised && r.code() != 127 && !absent()) return null;
        String detail = recognised ? said.group().strip() : firstLine(r);
        String fact = fact();
        return "systemctl --user could not reach your user service manager (" + detail + (fact.isEmpty() ? "" : "; " + fact)
                + "): no systemd user instance runs for this session, as over SSH without lingering, under su or sudo,"
                + " in containers and in CI";
    }

    /**
     * No bus address and no socket where systemctl looks, {@code $XDG_RUNTIME_DIR} or (newer
     * systemd, when it is unset) {@code /run/user/$UID}.
     */
    boolean absent() {
        if (!blank(env.get("DBUS_SESSION_BUS_ADDRESS"))) return false;
        Path dir = Path.of(blank(env.get("XDG_RUNTIME_DIR")) ? "/run/user/" + uid : env.get("XDG_RUNTIME_DIR"));
        return !Files.exists(dir.resolve("bus")) && !Files.exists(dir.resolve("systemd/private"));
    }

    /** The commands that start the unit; {@code linger} first gives the user a manager that outlives logins. */
    List<String> startCommands(boolean linger) {
        List<String> cmds = new ArrayList<>();
        if (linger) cmds.add("loginctl enable-linger $USER");
        // A shell opened without a session (su, sudo -u) lacks the variable even once lingering starts the manager.
        if (linger && blank(env.get("XDG_RUNTIME_DIR"))) cmds.add(EXPORT);
        cmds.add("systemctl --user daemon-reload && systemctl --user enable --now " + ServiceSpec.UNIT);
        return cmds;
    }

    /** What stops a unit left running by a lingering manager that this shell could not reach. */
    List<String> stopCommands() {
        List<String> cmds = new ArrayList<>();
        if (blank(env.get("XDG_RUNTIME_DIR"))) cmds.add(EXPORT);
        cmds.add("systemctl --user stop " + ServiceSpec.UNIT + " && systemctl --user daemon-reload");
        return cmds;
    }

    private String fact() {
        String dir = env.get("XDG_RUNTIME_DIR");
        if (blank(dir)) return blank(env.get("DBUS_SESSION_BUS_ADDRESS")) ? "XDG_RUNTIME_DIR is not set" : "";
        return Files.exists(Path.of(dir, "bus")) ? "" : "there is no " + Path.of(dir, "bus");
    }

    private static String firstLine(ServiceManager.Result r) {
        String out = r.output().strip();
        return out.isEmpty() ? "exit code " + r.code() : out.lines().findFirst().orElseThrow();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
