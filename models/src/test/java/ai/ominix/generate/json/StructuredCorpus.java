package ai.ominix.generate.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The structured-output test corpus ({@code structured/schemas.json}: named JSON schemas) and a
 * maintained validator (networknt json-schema-validator, draft 2020-12, formats asserted) to
 * check documents against them. Shared with the server's end-to-end tests.
 */
public final class StructuredCorpus {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    public record Entry(String name, String schema) {
        @Override
        public String toString() {
            return name;
        }
    }

    private StructuredCorpus() {}

    public static List<Entry> schemas() {
        try (InputStream in = StructuredCorpus.class.getResourceAsStream("/structured/schemas.json")) {
            List<Entry> out = new ArrayList<>();
            for (JsonNode e : JSON.readTree(in)) out.add(new Entry(e.get("name").asText(), JSON.writeValueAsString(e.get("schema"))));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The validator's complaints about {@code document} (empty when it validates). */
    public static List<String> violations(String schema, String document) {
        Schema s = REGISTRY.getSchema(schema, InputFormat.JSON);
        return s.validate(document, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    /** Parses strictly (one document, nothing after it), or throws. */
    public static JsonNode parse(String document) throws IOException {
        return JSON.readerFor(JsonNode.class).with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readValue(document);
    }
}
