package ai.ominix.server;

import ai.ominix.server.cli.ServiceCommand;
import ai.ominix.server.service.ServiceManager;
import ai.ominix.server.service.ServicePaths;
import ai.ominix.server.service.ServiceSpec;
import org.junit.jupiter.api.Assumptions;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ominix service install|uninstall|status} in a temporary HOME, with the service manager's commands recorded. */
class ServiceInstallTest {
    @TempDir
    Path home;

    final List<List<String>> commands = new CopyOnWriteArrayList<>();

    ServiceManager manager(ServiceManager.Platform p) {
        return new ServiceManager(p, cmd -> {
            commands.add(cmd);
            return 0;
        }, home, "501");
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
        Path plist = manager(ServiceManager.Platform.LAUNCHD).install(spec);
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
        manager(ServiceManager.Platform.LAUNCHD).install(spec(List.of("--port", "9000")));
        assertTrue(((List<?>) parseValidPlist(plist).get("ProgramArguments")).contains("9000"));
        assertEquals("bootout", commands.get(0).get(1));
        assertEquals("bootstrap", commands.get(1).get(1));
        Files.createDirectories(home.resolve(".ominix/models/keep-me"));
        commands.clear();
        assertTrue(manager(ServiceManager.Platform.LAUNCHD).uninstall());
        assertFalse(Files.exists(plist));
        assertTrue(Files.isDirectory(home.resolve(".ominix/models/keep-me")));
        assertEquals(List.of(List.of("launchctl", "bootout", "gui/501/ai.ominix.server")), commands);
        assertFalse(manager(ServiceManager.Platform.LAUNCHD).uninstall());
    }

    @Test
    void systemdUserUnitVerifies() throws Exception {
        ServiceSpec spec = spec(List.of("--host", "0.0.0.0", "--allow-file-path", "audio dir/100%", "--chat-model", "$HOME/x"));
        Path unit = manager(ServiceManager.Platform.SYSTEMD).install(spec);
        assertEquals(new ServicePaths(home).unitFile(), unit);
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
        assertTrue(manager(ServiceManager.Platform.SYSTEMD).uninstall());
        assertFalse(Files.exists(unit));
        assertEquals(List.of("systemctl", "--user", "disable", "--now", "ominix.service"), commands.getFirst());
    }

    @Test
    void statusSaysWhenNothingIsInstalled() {
        assertEquals(3, manager(ServiceManager.Platform.SYSTEMD).status());
        assertEquals(List.of(), commands);
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
