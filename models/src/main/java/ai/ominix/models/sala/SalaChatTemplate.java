package ai.ominix.models.sala;

import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.InvalidRequestException;
import java.util.List;
import java.util.Set;

/**
 * MiniCPM-SALA's chat format for system/user/assistant text (ChatML, §6): each message becomes
 * {@code <|im_start|>role\ncontent<|im_end|>\n}, then the generation prompt
 * {@code <|im_start|>assistant\n}. Only the given messages are rendered (no default system prompt).
 * With thinking off, a closed empty {@code <think>} block follows the generation prompt, which
 * makes the model answer directly.
 */
final class SalaChatTemplate {

    static final String IM_START = "<|im_start|>";
    static final String IM_END = "<|im_end|>";
    static final String EMPTY_THINK = "<think>\n\n</think>\n\n";

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private SalaChatTemplate() {}

    static String render(List<Message> messages, boolean noThink) {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequestException("invalid_value", "messages", "messages must not be empty");
        }
        StringBuilder out = new StringBuilder();
        for (Message m : messages) {
            if (m == null || !ROLES.contains(m.role())) {
                throw new InvalidRequestException("invalid_value", "messages",
                        "unsupported role '" + (m == null ? null : m.role()) + "' (system, user, assistant)");
            }
            String content = m.content() == null ? "" : m.content();
            out.append(IM_START).append(m.role()).append('\n').append(content).append(IM_END).append('\n');
        }
        out.append(IM_START).append("assistant\n");
        if (noThink) out.append(EMPTY_THINK);
        return out.toString();
    }
}
