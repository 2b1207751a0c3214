package ai.ominix.server.service;

import java.nio.file.Path;

/** Where a user's service definition and logs live. */
public record ServicePaths(Path home) {
    public Path plistFile() {
        return home.resolve("Library/LaunchAgents").resolve(ServiceSpec.LABEL + ".plist");
    }

    public Path macLogDir() {
        return home.resolve("Library/Logs/ominix");
    }

    public Path unitFile() {
        return home.resolve(".config/systemd/user").resolve(ServiceSpec.UNIT);
    }
}
