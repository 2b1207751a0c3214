package ai.ominix.server.cli;

/** A command failed in a way the user can fix; printed without a stack trace. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
