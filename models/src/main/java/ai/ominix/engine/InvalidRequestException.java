package ai.ominix.engine;

/** A request an engine rejects as malformed (HTTP 400 with the given code and parameter). */
public class InvalidRequestException extends RuntimeException {
    private final String code;
    private final String param;

    public InvalidRequestException(String code, String param, String message) {
        super(message);
        this.code = code;
        this.param = param;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
