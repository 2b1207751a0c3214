package ai.ominix.server.hub;

/** A hub request failed; the message says why in terms a user can act on. */
public class HubException extends RuntimeException {
    private final int status;

    public HubException(String message, int status) {
        super(message);
        this.status = status;
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** HTTP status of the failed response, 0 when there was none. */
    public int status() {
        return status;
    }
}
