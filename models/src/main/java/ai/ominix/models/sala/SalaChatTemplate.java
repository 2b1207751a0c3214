package ai.ominix.models.sala;

import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.InvalidRequestException;
import ai.ominix.engine.OutputFormat.Tool;
import java.util.List;
import java.util.Set;

/**
 * MiniCPM-SALA's chat format (ChatML, §6): each message becomes
 * {@code <|im_start|>role\ncontent<|im_end|>\n}, then the generation prompt
 * {@code <|im_start|>assistant\n}. Only the given messages are rendered (no default system prompt).
 * With thinking off, a closed empty {@code <think>} block follows the generation prompt, which
 * makes the model answer directly. Tools, an assistant's tool calls and the {@code tool} role are
 * rendered as {@link SalaToolFormat} says.
 */
final class SalaChatTemplate {

    static final String IM_START = "<|im_start|>";
    static final String IM_END = "<|im_end|>";
    static final String EMPTY_THINK = "<think>\n\n</think>\n\n";

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private SalaChatTemplate() {}

    static String render(List<Message> messages, boolean noThink) {
        return render(messages, List.of(), noThink);
    }

    /** @param tools the functions the model may call (empty: none) */
    static String render(List<Message> messages, List<Tool> tools, boolean noThink) {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequestException("invalid_value", "messages", "messages must not be empty");
        }
        StringBuilder out = new StringBuilder();
        boolean toolsShown = tools.isEmpty();
        if (!toolsShown && !"system".equals(messages.getFirst().role())) {
            turn(out, "system", SalaToolFormat.systemBlock(tools));
            toolsShown = true;
        }
        for (Message m : messages) {
            if (m == null || !ROLES.contains(m.role())) {
                throw new InvalidRequestException("invalid_value", "messages",
                        "unsupported role '" + (m == null ? null : m.role()) + "' (system, user, assistant, tool)");
            }
            String content = m.content() == null ? "" : m.content();
            if (!toolsShown) {
                content = content.isEmpty() ? SalaToolFormat.systemBlock(tools) : content + "\n\n" + SalaToolFormat.systemBlock(tools);
                toolsShown = true;
            }
            if (m.toolCalls() != null && !m.toolCalls().isEmpty()) content += SalaToolFormat.calls(m.toolCalls());
            turn(out, m.role(), content);
        }
        out.append(IM_START).append("assistant\n");
        if (noThink) out.append(EMPTY_THINK);
        return out.toString();
    }

    private static void turn(StringBuilder out, String role, String content) {
        out.append(IM_START).append(role).append('\n').append(content).append(IM_END).append('\n');
    }
}
