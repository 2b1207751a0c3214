package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Not a test: writes the tiny checkpoints and their {@code cases.json} for the Python reference
 * when {@code -Dsala.golden.dir=DIR} is given (see {@link SalaGoldenTest}); skipped otherwise.
 */
class SalaGoldenExport {

    @Test
    void export() throws IOException {
        String target = System.getProperty("sala.golden.dir");
        assumeTrue(target != null && !target.isBlank(), "set -Dsala.golden.dir to export golden inputs");
        for (TinySala.Format format : TinySala.Format.values()) {
            Path dir = Path.of(target, format.name().toLowerCase());
            TinySala.Written w = TinySala.write(dir, format, false);
            Tokenizer tok = Tokenizers.load(dir);
            List<SalaGoldenCases> cases = format == TinySala.Format.Q8 ? SalaGoldenCases.full(tok, w)
                    : SalaGoldenCases.small(tok, w);
            Files.writeString(dir.resolve("cases.json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(SalaGoldenCases.toJson(cases)));
        }
    }
}
