package ai.ominix.weights;

import ai.ominix.engine.ModelLoadException;

/**
 * A checkpoint file that cannot be used as is: a malformed or truncated safetensors file, an
 * index naming missing files or tensors, an unsupported quantization block. The message names
 * the file and what is wrong with it.
 */
public class WeightsFormatException extends ModelLoadException {
    public WeightsFormatException(String message) {
        super(message);
    }

    public WeightsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
