package ai.ominix.server.engine;

/**
 * The model {@code serve} was given for a kind ({@code --asr-model}, {@code --chat-model}): its
 * spec, then once resolved (maybe after a pull) its target, or why it could not be resolved.
 */
public record ConfiguredModel(String spec, ModelTarget target, String error) {}
