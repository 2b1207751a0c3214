package ai.ominix.server;

import ai.ominix.server.cli.ServiceCommand;
import ai.ominix.server.service.ServiceManager;
import ai.ominix.server.service.ServicePaths;
import ai.ominix.server.service.ServiceSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ominix service install|uninstall|status} in a temporary HOME, with the service manager's commands recorded. */
class ServiceInstallTest {
    @TempDir
    Path home;

    static final ServiceManager.Result OK = new ServiceManager.Result(0, "");
    static final ServiceManager.Result NO_BUS = new ServiceManager.Result(1, "Failed to connect to bus: No medium found\n");
    static final String LINGER = "loginctl enable-linger $USER";
    static final String ENABLE_NOW = "systemctl --user daemon-reload && systemctl --user enable --now ominix.service";

    final List<List<String>> commands = new CopyOnWriteArrayList<>();
    /** How the fake systemctl or launchctl answers each command. */
    Function<List<String>, ServiceManager.Result> answer = cmd -> OK;
    /** The installing shell's environment; a session with a user bus unless a test takes it away. */
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void sessionWithABus() throws Exception {
        Path runtime = Files.createDirectories(home.resolve("run-user"));
        Files.createFile(runtime.resolve("bus"));
        env.put("XDG_RUNTIME_DIR", runtime.toString());
    }

    void noSession() {
        env.clear();
        answer = cmd -> cmd.getFirst().equals("systemctl") ? NO_BUS : OK;
    }

    ServiceManager manager(ServiceManager.Platform p) {
        return new ServiceManager(p, new ServiceManager.Runner() {
            @Override
            public int run(List<String> cmd) {
                return capture(cmd).code();
            }

            @Override
            public ServiceManager.Result capture(List<String> cmd) {
                commands.add(cmd);
                return answer.apply(cmd);
            }
        }, home, "501", env);
    }

    static List<String> systemctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("systemctl", "--user"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Path launcher() throws Exception {
        Path l = home.resolve("opt/ominix java/scripts/ominix"); // a space, as on real machines
        Files.createDirectories(l.getParent());
        Files.writeString(l, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(l, PosixFilePermissions.fromString("rwxr-xr-x"));
        return l;
    }

    ServiceSpec spec(List<String> args) throws Exception {
        Map<String, String> env = Map.of("OMINIX_HOME", home.resolve(".ominix").toString(), "HF_ENDPOINT", "https://hub.example/a&b",
                "UNRELATED", "x");
        return ServiceCommand.spec(args, env, home, launcher());
    }

    @Test
    void launchAgentPlistIsValidAndComplete() throws Exception {
        ServiceSpec spec = spec(List.of("--port", "8181", "--models-dir", "rel/models", "--asr-model", "mlx-community/Qwen3-ASR-0.6B-8bit",
                "--api-key", "k<&>\"'"));
        Path plist = manager(ServiceManager.Platform.LAUNCHD).install(spec, true).file();
        assertEquals(home.resolve("Library/LaunchAgents/ai.ominix.server.plist"), plist);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(plist)));
        assertTrue(Files.isDirectory(home.resolve("Library/Logs/ominix")));

        Map<String, Object> d = parseValidPlist(plist);
        assertEquals("ai.ominix.server", d.get("Label"));
        List<String> expected = new ArrayList<>(List.of(launcher().toString(), "serve", "--port", "8181", "--models-dir",
                Path.of("rel/models").toAbsolutePath().toString(), "--asr-model", "mlx-community/Qwen3-ASR-0.6B-8bit",
                "--api-key", "k<&>\"'"));
        assertEquals(expected, d.get("ProgramArguments"));
        assertEquals(Boolean.TRUE, d.get("RunAtLoad"));
        assertEquals(Map.of("SuccessfulExit", Boolean.FALSE), d.get("KeepAlive"));
        assertEquals(home.resolve("Library/Logs/ominix/ominix.out.log").toString(), d.get("StandardOutPath"));
        assertEquals(home.resolve("Library/Logs/ominix/ominix.err.log").toString(), d.get("StandardErrorPath"));
        @SuppressWarnings("unchecked") Map<String, Object> env = (Map<String, Object>) d.get("EnvironmentVariables");
        assertEquals(home.resolve(".ominix").toString(), env.get("OMINIX_HOME"));
        assertEquals("https://hub.example/a&b", env.get("HF_ENDPOINT"));
        assertFalse(env.containsKey("UNRELATED"));

        assertEquals(List.of(List.of("launchctl", "bootout", "gui/501/ai.ominix.server"),
                List.of("launchctl", "bootstrap", "gui/501", plist.toString())), commands);

        // Reinstall replaces cleanly; uninstall unloads and removes only the agent.
        commands.clear();
        manager(ServiceManager.Platform.LAUNCHD).install(spec(List.of("--port", "9000")), true);
        assertTrue(((List<?>) parseValidPlist(plist).get("ProgramArguments")).contains("9000"));
        assertEquals("bootout", commands.get(0).get(1));
        assertEquals("bootstrap", commands.get(1).get(1));
        Files.createDirectories(home.resolve(".ominix/models/keep-me"));
        commands.clear();
        assertTrue(manager(ServiceManager.Platform.LAUNCHD).uninstall().existed());
        assertFalse(Files.exists(plist));
        assertTrue(Files.isDirectory(home.resolve(".ominix/models/keep-me")));
        assertEquals(List.of(List.of("launchctl", "bootout", "gui/501/ai.ominix.server")), commands);
        assertFalse(manager(ServiceManager.Platform.LAUNCHD).uninstall().existed());
    }

    @Test
    void systemdUserUnitVerifies() throws Exception {
        ServiceSpec spec = spec(List.of("--host", "0.0.0.0", "--allow-file-path", "audio dir/100%", "--chat-model", "$HOME/x"));
        ServiceManager.Installed done = manager(ServiceManager.Platform.SYSTEMD).install(spec, true);
        Path unit = done.file();
        assertEquals(new ServicePaths(home).unitFile(), unit);
        assertTrue(done.started());
        assertNull(done.warning());
        String text = Files.readString(unit);
        assertTrue(text.contains("Restart=on-failure\n"), text);
        assertTrue(text.contains("WantedBy=default.target\n"), text);
        assertTrue(text.contains("ExecStart=\"" + launcher() + "\" \"serve\" \"--host\" \"0.0.0.0\" \"--allow-file-path\" \""
                + Path.of("audio dir").toAbsolutePath() + "/100%%\" \"--chat-model\" \"$$HOME/x\"\n"), text);
        assertTrue(text.contains("Environment=\"OMINIX_HOME=" + home.resolve(".ominix") + "\"\n"), text);
        assertEquals(List.of(List.of("systemctl", "--user", "daemon-reload"), List.of("systemctl", "--user", "enable", "ominix.service"),
                List.of("systemctl", "--user", "restart", "ominix.service")), commands);

        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze not installed");
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains(unit.getFileName().toString()), out);

        commands.clear();
        assertTrue(manager(ServiceManager.Platform.SYSTEMD).uninstall().existed());
        assertFalse(Files.exists(unit));
        assertEquals(List.of(systemctl("disable", "--now", "ominix.service"), systemctl("daemon-reload")), commands);
    }

    @Test
    void statusSaysWhenNothingIsInstalled() {
        assertEquals(3, manager(ServiceManager.Platform.SYSTEMD).status(new PrintStream(new ByteArrayOutputStream())));
        assertEquals(List.of(), commands);
    }

    @Test
    void withoutAUserBusInstallWritesTheUnitAndSaysWhatStartsIt() throws Exception {
        noSession();
        ServiceManager.Installed done = manager(ServiceManager.Platform.SYSTEMD).install(spec(List.of("--port", "8181")), true);
        assertEquals(new ServicePaths(home).unitFile(), done.file());
        assertTrue(Files.readString(done.file()).contains("\"--port\" \"8181\""));
        assertFalse(done.started());
        assertEquals(List.of(systemctl("daemon-reload")), commands, "nothing more is tried once the bus is known to be missing");
        assertTrue(done.warning().startsWith("wrote the unit but could not start it: systemctl --user could not reach your user service"
                + " manager (Failed to connect to bus: No medium found; XDG_RUNTIME_DIR is not set)"), done.warning());
        assertEquals("to start it, also while you are not logged in:\n  " + LINGER + "\n  export XDG_RUNTIME_DIR=/run/user/$(id -u)\n  "
                + ENABLE_NOW, done.next());

        // Later wordings, and ones we do not know when the environment shows no bus to connect to.
        for (String said : List.of("Failed to connect to user scope bus via local transport: $DBUS_SESSION_BUS_ADDRESS and"
                + " $XDG_RUNTIME_DIR not defined (consider using --machine=<user>@.host --user to connect to bus of other user)",
                "Failed to get D-Bus connection: Operation not permitted", "Something new went wrong")) {
            answer = cmd -> new ServiceManager.Result(1, said + "\n");
            ServiceManager.Installed again = manager(ServiceManager.Platform.SYSTEMD).install(spec(List.of()), true);
            assertFalse(again.started(), said);
            assertTrue(again.warning().contains("(" + said + "; XDG_RUNTIME_DIR is not set)"), again.warning());
            assertTrue(again.next().contains(LINGER), again.next());
        }

        // A runtime directory without a bus socket (the session's manager is gone): no export line then.
        Path runtime = Files.createDirectories(home.resolve("run-empty"));
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        answer = cmd -> NO_BUS;
        ServiceManager.Installed stale = manager(ServiceManager.Platform.SYSTEMD).install(spec(List.of()), true);
        assertTrue(stale.warning().contains("; there is no " + runtime.resolve("bus") + ")"), stale.warning());
        assertEquals("to start it, also while you are not logged in:\n  " + LINGER + "\n  " + ENABLE_NOW, stale.next());
    }

    @Test
    void systemctlFailingWithABusIsAFailureAndKeepsTheUnit() throws Exception {
        answer = cmd -> cmd.contains("restart") ? new ServiceManager.Result(1, "Job for ominix.service failed because the control"
                + " process exited with error code.\nSee \"systemctl --user status ominix.service\" for details.\n") : OK;
        ServiceManager m = manager(ServiceManager.Platform.SYSTEMD);
        ServiceSpec spec = spec(List.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.install(spec, true));
        Path unit = new ServicePaths(home).unitFile();
        assertEquals("systemctl --user restart ominix.service failed (exit code 1)\n  Job for ominix.service failed because the control"
                + " process exited with error code.\n  See \"systemctl --user status ominix.service\" for details.\nthe unit stays in "
                + unit + "; see why with 'ominix service status' and 'ominix service logs'", e.getMessage());
        assertTrue(Files.isRegularFile(unit));
        assertEquals(List.of(systemctl("daemon-reload"), systemctl("enable", "ominix.service"), systemctl("restart", "ominix.service")),
                commands);

        // With a bus, an unknown complaint is systemctl's, not a missing manager.
        commands.clear();
        answer = cmd -> new ServiceManager.Result(1, "Access denied\n");
        e = assertThrows(IllegalStateException.class, () -> m.install(spec, true));
        assertTrue(e.getMessage().startsWith("systemctl --user daemon-reload failed (exit code 1)\n  Access denied\n"), e.getMessage());
        assertEquals(List.of(systemctl("daemon-reload")), commands);
    }

    @Test
    void noStartWritesTheDefinitionAndRunsNothing() throws Exception {
        ServiceManager.Installed unit = manager(ServiceManager.Platform.SYSTEMD).install(spec(List.of("--port", "8181")), false);
        assertTrue(Files.readString(unit.file()).contains("\"--port\" \"8181\""));
        assertFalse(unit.started());
        assertNull(unit.warning());
        assertEquals("not started (--no-start); to start it now and at every login:\n  " + ENABLE_NOW, unit.next());
        ServiceManager.Installed again = manager(ServiceManager.Platform.SYSTEMD).install(spec(List.of()), false);
        assertTrue(again.next().endsWith("\nif the previous unit is still running, 'systemctl --user restart ominix.service' replaces it"),
                again.next());
        noSession();
        ServiceManager.Installed bare = manager(ServiceManager.Platform.SYSTEMD).install(spec(List.of()), false);
        assertTrue(bare.next().contains("\n  " + LINGER + "\n"), "no bus here: lingering is part of starting it; " + bare.next());

        ServiceManager.Installed plist = manager(ServiceManager.Platform.LAUNCHD).install(spec(List.of()), false);
        assertEquals(home.resolve("Library/LaunchAgents/ai.ominix.server.plist"), plist.file());
        assertEquals("ai.ominix.server", parseValidPlist(plist.file()).get("Label"));
        assertFalse(plist.started());
        assertNull(plist.warning());
        assertTrue(plist.next().endsWith("now with:\n  launchctl bootstrap gui/501 " + plist.file()), plist.next());
        assertEquals(List.of(), commands);
    }

    @Test
    void withoutAUserBusStatusIsUnknownAndUninstallStillRemovesTheUnit() throws Exception {
        Path unit = manager(ServiceManager.Platform.SYSTEMD).install(spec(List.of()), false).file();
        Path wants = Files.createDirectories(unit.resolveSibling("default.target.wants")).resolve("ominix.service");
        Files.createSymbolicLink(wants, unit);

        answer = cmd -> new ServiceManager.Result(3, "○ ominix.service - ominix\n     Active: inactive (dead)\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(3, manager(ServiceManager.Platform.SYSTEMD).status(new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertEquals("definition: " + unit + "\n○ ominix.service - ominix\n     Active: inactive (dead)\n", out.toString(StandardCharsets.UTF_8));

        noSession();
        out.reset();
        commands.clear();
        assertEquals(4, manager(ServiceManager.Platform.SYSTEMD).status(new PrintStream(out, true, StandardCharsets.UTF_8)));
        String said = out.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("definition: " + unit + "\nstate: unknown: systemctl --user could not reach your user service manager"
                + " (Failed to connect to bus: No medium found; XDG_RUNTIME_DIR is not set)"), said);
        assertTrue(said.contains("\n  " + LINGER + "\n") && said.endsWith("\n  " + ENABLE_NOW + "\n"), said);
        assertEquals(List.of(systemctl("status", "--no-pager", "ominix.service")), commands);

        commands.clear();
        ServiceManager.Uninstalled gone = manager(ServiceManager.Platform.SYSTEMD).uninstall();
        assertTrue(gone.existed());
        assertFalse(Files.exists(unit));
        assertFalse(Files.exists(wants, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the enable link goes with the unit");
        assertEquals(List.of(systemctl("disable", "--now", "ominix.service")), commands);
        assertTrue(gone.warning().startsWith("removed the unit but could not tell systemd: systemctl --user could not reach"), gone.warning());
        assertTrue(gone.warning().endsWith("\nnothing runs under it unless lingering is on (loginctl show-user $USER -p Linger); then stop it"
                + " with:\n  export XDG_RUNTIME_DIR=/run/user/$(id -u)\n  systemctl --user stop ominix.service && systemctl --user daemon-reload"),
                gone.warning());

        ServiceManager.Uninstalled twice = manager(ServiceManager.Platform.SYSTEMD).uninstall();
        assertFalse(twice.existed());
        assertNull(twice.warning());
        assertEquals(3, manager(ServiceManager.Platform.SYSTEMD).status(new PrintStream(new ByteArrayOutputStream())));
    }

    record Cli(int code, String out, String err) {}

    /**
     * {@code ominix args} in a child JVM whose HOME is the test's, with a fake {@code systemctl}
     * first on PATH: {@code mode} nobus answers as without a user bus, failing fails restart. What
     * it was asked is appended to {@code systemctl.log}.
     */
    Cli ominix(String mode, Map<String, String> env, String... args) throws Exception {
        Path bin = Files.createDirectories(home.resolve("fake-bin"));
        Path fake = bin.resolve("systemctl");
        Files.writeString(fake, """
                #!/bin/sh
                echo "$*" >> "$FAKE_LOG"
                case "$FAKE_SYSTEMCTL:$*" in
                  nobus:*) echo "Failed to connect to bus: No medium found" >&2; exit 1 ;;
                  failing:*restart*) echo "Job for ominix.service failed because the control process exited with error code." >&2; exit 1 ;;
                esac
                exit 0
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Duser.home=" + home,
                "-cp", CliTest.lean(), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("XDG_RUNTIME_DIR");
        pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        pb.environment().put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("OMINIX_HOME", home.resolve(".ominix").toString());
        pb.environment().put("OMINIX_LAUNCHER", launcher().toString());
        pb.environment().put("FAKE_LOG", home.resolve("systemctl.log").toString());
        pb.environment().put("FAKE_SYSTEMCTL", mode);
        pb.environment().putAll(env);
        pb.redirectError(home.resolve("err.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(home.resolve("err.txt")).replaceFirst("^WARNING: Using incubator modules: jdk.incubator.vector\n", "");
        return new Cli(p.exitValue(), out, err);
    }

    List<String> asked() throws Exception {
        Path log = home.resolve("systemctl.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void cliWithoutAUserBusWritesTheUnitAndExitsZero() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "systemd units are for Linux");
        Path unit = new ServicePaths(home).unitFile();
        Cli install = ominix("nobus", Map.of(), "service", "install", "--port", "8181");
        assertEquals(0, install.code(), install.err());
        assertEquals("installed " + unit + "\n  " + launcher() + " serve --port 8181\n", install.out());
        assertTrue(install.err().startsWith("ominix: warning: wrote the unit but could not start it: systemctl --user could not reach"
                + " your user service manager (Failed to connect to bus: No medium found; XDG_RUNTIME_DIR is not set)"), install.err());
        assertTrue(install.err().endsWith("\n  " + LINGER + "\n  export XDG_RUNTIME_DIR=/run/user/$(id -u)\n  " + ENABLE_NOW + "\n"),
                install.err());
        assertTrue(Files.readString(unit).contains("\"--port\" \"8181\""));

        Cli status = ominix("nobus", Map.of(), "service", "status");
        assertEquals(4, status.code(), status.err());
        assertTrue(status.out().startsWith("definition: " + unit + "\nstate: unknown: "), status.out());
        assertTrue(status.out().contains(ENABLE_NOW), status.out());

        Cli uninstall = ominix("nobus", Map.of(), "service", "uninstall");
        assertEquals(0, uninstall.code(), uninstall.err());
        assertEquals("uninstalled\n", uninstall.out());
        assertTrue(uninstall.err().startsWith("ominix: warning: removed the unit but could not tell systemd: "), uninstall.err());
        assertFalse(Files.exists(unit));
        assertEquals(List.of("--user daemon-reload", "--user status --no-pager ominix.service", "--user disable --now ominix.service"),
                asked());
        for (Cli c : List.of(install, status, uninstall)) assertFalse((c.out() + c.err()).contains("Exception"), c.err());
    }

    @Test
    void cliNoStartRunsNothingAndARefusedStartFails() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "systemd units are for Linux");
        Path unit = new ServicePaths(home).unitFile();
        Cli noStart = ominix("ok", Map.of(), "service", "install", "--no-start", "--port", "8181");
        assertEquals(0, noStart.code(), noStart.err());
        assertTrue(noStart.out().startsWith("installed " + unit + "\n"), noStart.out());
        assertTrue(noStart.out().contains("not started (--no-start)") && noStart.out().endsWith("\n  " + ENABLE_NOW + "\n"), noStart.out());
        assertEquals("", noStart.err());
        assertEquals(List.of(), asked());
        assertTrue(Files.readString(unit).contains("\"--port\" \"8181\""));

        Cli failing = ominix("failing", Map.of("XDG_RUNTIME_DIR", env.get("XDG_RUNTIME_DIR")), "service", "install");
        assertEquals(1, failing.code(), failing.err());
        assertTrue(failing.err().startsWith("ominix install: systemctl --user restart ominix.service failed (exit code 1)\n  Job for"
                + " ominix.service failed"), failing.err());
        assertTrue(failing.err().endsWith("the unit stays in " + unit + "; see why with 'ominix service status' and 'ominix service logs'\n"),
                failing.err());
        assertFalse(failing.err().contains("Exception"), failing.err());
        assertTrue(Files.isRegularFile(unit));
        assertEquals(List.of("--user daemon-reload", "--user enable ominix.service", "--user restart ominix.service"), asked());
    }

    @Test
    void typosInServeFlagsFailAtInstallTime() {
        assertThrows(RuntimeException.class, () -> spec(List.of("--prot", "8080")));
        assertThrows(RuntimeException.class, () -> spec(List.of("--port", "eighty")));
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** Parses with DTD validation (what plutil -lint enforces) and returns the top dict as Java values. */
    static Map<String, Object> parseValidPlist(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setValidating(true);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setEntityResolver((publicId, systemId) -> {
            assertEquals("-//Apple//DTD PLIST 1.0//EN", publicId);
            return new InputSource(ServiceInstallTest.class.getResourceAsStream("/PropertyList-1.0.dtd"));
        });
        List<String> errors = new ArrayList<>();
        b.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) {
                errors.add(e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                throw e;
            }
        });
        Document doc = b.parse(file.toFile());
        assertEquals(List.of(), errors);
        Element plist = doc.getDocumentElement();
        assertEquals("plist", plist.getTagName());
        @SuppressWarnings("unchecked") Map<String, Object> top = (Map<String, Object>) value(firstElement(plist));
        return top;
    }

    private static Element firstElement(Node n) {
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) if (c instanceof Element e) return e;
        return null;
    }

    private static Object value(Element e) {
        return switch (e.getTagName()) {
            case "string", "integer" -> e.getTextContent();
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "array" -> {
                List<Object> out = new ArrayList<>();
                for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) if (c instanceof Element x) out.add(value(x));
                yield out;
            }
            case "dict" -> {
                Map<String, Object> out = new LinkedHashMap<>();
                String key = null;
                for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (!(c instanceof Element x)) continue;
                    if (x.getTagName().equals("key")) key = x.getTextContent();
                    else out.put(key, value(x));
                }
                yield out;
            }
            default -> throw new AssertionError("unexpected " + e.getTagName());
        };
    }
}
