package ai.ominix.models.qwen3asr;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.weights.Checkpoint;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Opens a checkpoint's tensors under the mlx-community names. The original Hugging Face layout
 * stores the same tensors under {@code thinker.}; those are served without the prefix (the conv
 * layout difference is handled where the convolutions are loaded).
 */
final class CheckpointWeights {

    private static final String HF_PREFIX = "thinker.";

    private CheckpointWeights() {}

    static Weights open(java.nio.file.Path dir, Backend backend) {
        Weights w = backend.loadWeights(Checkpoint.discover(dir).files());
        boolean hf = w.names().stream().anyMatch(n -> n.startsWith(HF_PREFIX));
        return hf ? new Prefixed(w) : w;
    }

    private record Prefixed(Weights inner) implements Weights {
        @Override
        public Tensor get(String name) {
            return inner.get(HF_PREFIX + name);
        }

        @Override
        public boolean contains(String name) {
            return inner.contains(HF_PREFIX + name);
        }

        @Override
        public Set<String> names() {
            Set<String> out = new LinkedHashSet<>();
            for (String n : inner.names()) if (n.startsWith(HF_PREFIX)) out.add(n.substring(HF_PREFIX.length()));
            return out;
        }

        @Override
        public long byteSize() {
            return inner.byteSize();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
