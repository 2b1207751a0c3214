package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine.FinishReason;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.engine.ChatEngine.Sampling;
import ai.ominix.engine.ChatEngine.ToolCall;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.OutputFormat;
import ai.ominix.generate.json.StructuredCorpus;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured output and tool calls on the tiny random-weight checkpoint, whose free output is
 * gibberish: every answer under a schema parses and validates, every call names a declared
 * function with arguments of its schema. A logit bias on the closing tokens stands in for a
 * trained model's habit of closing strings, so documents end within max_tokens.
 */
class SalaStructuredOutputTest {
    @TempDir
    static Path dir;
    private static Backend backend;
    private static SalaChatEngine engine;
    private static Tokenizer tok;
    private static Map<Integer, Double> closing;

    private static final List<Message> ASK = List.of(new Message("user", "Answer in JSON."));

    @BeforeAll
    static void load() {
        backend = Backends.open("cpu", 2);
        TinySala.write(dir, TinySala.Format.Q8, false);
        engine = SalaChatEngine.load(dir, backend);
        tok = Tokenizers.load(dir);
        closing = closingBias(tok, 4.0);
    }

    /** Bias on every token that spells a quote, a bracket or a brace, and on EOS. */
    static Map<Integer, Double> closingBias(Tokenizer tok, double bias) {
        Map<Integer, Double> m = new HashMap<>();
        for (int id = 0; id < tok.vocabSize(); id++) {
            byte[] b = tok.tokenBytes(id);
            if (b == null || tok.isSpecial(id)) continue;
            for (byte x : b) if (x == '"' || x == '}' || x == ']') m.put(id, bias);
        }
        m.put(tok.eosId().orElseThrow(), bias);
        return m;
    }

    @AfterAll
    static void close() {
        engine.close();
        backend.close();
    }

    private static Request request(OutputFormat format, double temperature, long seed, int maxTokens, List<Message> messages) {
        return new Request(messages, temperature, 1.0, maxTokens, List.of(), seed, true,
                new Sampling(0, 0, 0, 0, 1, closing, -1), format);
    }

    @Test
    void everyCorpusAnswerParsesAndValidates() {
        List<String> failures = new ArrayList<>();
        for (StructuredCorpus.Entry e : StructuredCorpus.schemas()) {
            Result r = engine.generate(request(new OutputFormat.JsonSchema(e.name(), e.schema(), true), 1.0, e.name().hashCode(), 1500, ASK),
                    Cancellation.none(), null);
            if (r.finishReason() != FinishReason.STOP) {
                failures.add(e.name() + ": finished by " + r.finishReason() + " after " + r.completionTokens() + ": " + r.text());
                continue;
            }
            try {
                StructuredCorpus.parse(r.text());
                List<String> v = StructuredCorpus.violations(e.schema(), r.text());
                if (!v.isEmpty()) failures.add(e.name() + ": " + v + " in " + r.text());
            } catch (Exception x) {
                failures.add(e.name() + ": does not parse: " + r.text());
            }
        }
        if (!failures.isEmpty()) fail(String.join("\n", failures));
    }

    @Test
    void greedyIsDeterministicAndACutOffIsLength() throws Exception {
        OutputFormat f = new OutputFormat.JsonObject();
        Result a = engine.generate(request(f, 0, 1, 40, ASK), Cancellation.none(), null);
        Result b = engine.generate(request(f, 0, 2, 40, ASK), Cancellation.none(), null);
        assertEquals(a.text(), b.text());
        assertTrue(a.text().strip().startsWith("{"), a.text());
        Result cut = engine.generate(request(new OutputFormat.JsonSchema("t", "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\","
                + "\"minLength\":50}},\"required\":[\"s\"]}", true), 1.0, 3, 10, ASK), Cancellation.none(), null);
        assertEquals(FinishReason.LENGTH, cut.finishReason());
        assertEquals(10, cut.completionTokens());
    }

    private static final String WEATHER = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"unit\":{\"enum\":[\"c\",\"f\"]}},\"required\":[\"city\",\"unit\"],\"additionalProperties\":false}";
    private static final String ADD = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},"
            + "\"required\":[\"a\",\"b\"],\"additionalProperties\":false}";
    private static final List<OutputFormat.Tool> TOOLS = List.of(new OutputFormat.Tool("get_weather", "Weather in a city", WEATHER),
            new OutputFormat.Tool("add", "Adds two integers", ADD));

    private static void assertValidCall(ToolCall c) throws Exception {
        String schema = switch (c.name()) {
            case "get_weather" -> WEATHER;
            case "add" -> ADD;
            default -> throw new AssertionError("undeclared function " + c.name());
        };
        StructuredCorpus.parse(c.arguments());
        assertEquals(List.of(), StructuredCorpus.violations(schema, c.arguments()), c.arguments());
        assertTrue(c.id().startsWith("call_"), c.id());
    }

    @Test
    void requiredAndNamedToolChoicesCallDeclaredFunctions() throws Exception {
        // The random model loves the call marker: the first call is forced, a penalty lets it end after one or a few.
        Map<Integer, Double> endAfterACall = new HashMap<>(closing);
        endAfterACall.put(tok.tokenId(SalaToolFormat.TOOL_CALL), -14.0);
        endAfterACall.put(tok.eosId().orElseThrow(), 25.0);
        for (long seed = 0; seed < 6; seed++) {
            Result r = engine.generate(new Request(ASK, 1.0, 1.0, 800, List.of(), seed, true, new Sampling(0, 0, 0, 0, 1, endAfterACall, -1),
                    new OutputFormat.Tools(TOOLS, OutputFormat.Tools.REQUIRED, true)), Cancellation.none(), null);
            assertEquals(FinishReason.TOOL_CALLS, r.finishReason(), r.text() + " " + r.toolCalls() + " " + r.completionTokens());
            assertFalse(r.toolCalls().isEmpty());
            for (ToolCall c : r.toolCalls()) assertValidCall(c);
        }
        for (long seed = 0; seed < 4; seed++) {
            Result r = engine.generate(request(new OutputFormat.Tools(TOOLS, "add", false), 1.0, seed, 800, ASK), Cancellation.none(), null);
            assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
            assertEquals(1, r.toolCalls().size(), "parallel_tool_calls false: one call");
            assertEquals("add", r.toolCalls().getFirst().name());
            assertValidCall(r.toolCalls().getFirst());
        }
    }

    @Test
    void autoCallsWhenTheModelChoosesToAndNoneNeverCalls() throws Exception {
        int marker = tok.tokenId(SalaToolFormat.TOOL_CALL);
        Map<Integer, Double> bias = new HashMap<>(closing);
        bias.put(marker, 100.0);
        Request auto = new Request(ASK, 1.0, 1.0, 800, List.of(), 5L, true, new Sampling(0, 0, 0, 0, 1, bias, -1),
                new OutputFormat.Tools(TOOLS, OutputFormat.Tools.AUTO, false));
        Result r = engine.generate(auto, Cancellation.none(), null);
        assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
        assertEquals(1, r.toolCalls().size(), "the model wants nothing but calls; one is all parallel_tool_calls false lets it make");
        for (ToolCall c : r.toolCalls()) assertValidCall(c);
        Request none = new Request(ASK, 1.0, 1.0, 30, List.of(), 5L, true, new Sampling(0, 0, 0, 0, 1, bias, -1),
                new OutputFormat.Tools(TOOLS, OutputFormat.Tools.NONE, true));
        Result n = engine.generate(none, Cancellation.none(), null);
        assertTrue(n.toolCalls().isEmpty());
        assertTrue(n.finishReason() != FinishReason.TOOL_CALLS);
    }

    @Test
    void unsupportedSchemasAreA400NamingTheKeyword() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> engine.generate(request(
                new OutputFormat.JsonSchema("x", "{\"type\":\"string\",\"format\":\"uri\"}", true), 1.0, 1, 10, ASK), Cancellation.none(), null));
        assertEquals("response_format", e.param());
        assertTrue(e.getMessage().contains("format"), e.getMessage());
        InvalidRequestException t = assertThrows(InvalidRequestException.class, () -> engine.generate(request(
                new OutputFormat.Tools(List.of(new OutputFormat.Tool("f", "", "{\"type\":\"object\",\"minProperties\":1}")),
                        OutputFormat.Tools.AUTO, true), 1.0, 1, 10, ASK), Cancellation.none(), null));
        assertEquals("tools", t.param());
        assertTrue(t.getMessage().contains("function f") && t.getMessage().contains("minProperties"), t.getMessage());
    }
}
