package ai.ominix.generate.json;

/** A schema the constrained decoder cannot enforce, naming the keyword that stops it. */
public final class UnsupportedSchemaException extends RuntimeException {
    private final String keyword;

    public UnsupportedSchemaException(String keyword, String message) {
        super(message);
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
