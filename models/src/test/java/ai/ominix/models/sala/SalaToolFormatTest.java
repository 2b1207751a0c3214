package ai.ominix.models.sala;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.ToolCall;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.OutputFormat.Tool;
import java.util.List;
import org.junit.jupiter.api.Test;

class SalaToolFormatTest {

    private static final Tool WEATHER = new Tool("get_weather", "Current weather",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    @Test
    void toolsCloseTheSystemTurnAndCallsAndResultsRenderInTheirTurns() {
        List<Message> history = List.of(
                new Message("system", "Be brief."),
                new Message("user", "Weather in Paris?"),
                new Message("assistant", "", List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}")), null),
                new Message("tool", "{\"temp\": 21}", List.of(), "call_1"));
        String text = SalaChatTemplate.render(history, List.of(WEATHER), true);
        String tools = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}";
        assertTrue(text.startsWith("<|im_start|>system\nBe brief.\n\n# Tools\n"), text);
        assertTrue(text.contains("<tools>\n" + tools + "\n</tools>"), text);
        assertTrue(text.contains("<|im_start|>assistant\n<|tool_call|>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}<|im_end|>\n"), text);
        assertTrue(text.endsWith("<|im_start|>tool\n{\"temp\": 21}<|im_end|>\n<|im_start|>assistant\n" + SalaChatTemplate.EMPTY_THINK), text);
    }

    @Test
    void aSystemTurnIsAddedForTheToolsWhenThereIsNone() {
        String text = SalaChatTemplate.render(List.of(new Message("user", "Hi")), List.of(WEATHER), false);
        assertTrue(text.startsWith("<|im_start|>system\n# Tools\n"), text);
        assertTrue(text.contains("<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"), text);
        assertEquals(SalaChatTemplate.render(List.of(new Message("user", "Hi")), false),
                SalaChatTemplate.render(List.of(new Message("user", "Hi")), List.of(), false), "no tools, no change");
    }

    @Test
    void generatedCallsParseWithCompactArguments() {
        ToolCall c = SalaToolFormat.parseCall("call_x", "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}");
        assertEquals(new ToolCall("call_x", "get_weather", "{\"city\":\"Oslo\"}"), c);
        assertThrows(InvalidRequestException.class, () -> SalaChatTemplate.render(List.of(new Message("assistant", "",
                List.of(new ToolCall("c", "f", "{not json")), null)), List.of(), false));
    }
}
