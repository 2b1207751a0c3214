package ai.ominix.server.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a service definition runs: the absolute launcher path with {@code serve} and its flags, in
 * an environment, for a user whose home is {@code home}.
 */
public record ServiceSpec(Path launcher, List<String> serveArgs, Map<String, String> environment, Path home) {

    public static final String LABEL = "ai.ominix.server";
    public static final String UNIT = "ominix.service";

    public ServiceSpec {
        if (!launcher.isAbsolute()) throw new IllegalArgumentException("launcher path must be absolute: " + launcher);
        serveArgs = List.copyOf(serveArgs);
        environment = Map.copyOf(environment);
    }

    /** {@code launcher serve args...} */
    public List<String> command() {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(launcher.toString());
        cmd.add("serve");
        cmd.addAll(serveArgs);
        return cmd;
    }

    public ServicePaths paths() {
        return new ServicePaths(home);
    }
}
