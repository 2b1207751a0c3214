package ai.ominix.kernel.mlx;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.mlx.MlxArray;
import ai.ominix.mlx.MlxException;
import ai.ominix.mlx.MlxSafetensors;
import ai.ominix.mlx.MlxStream;
import ai.ominix.weights.SafetensorsHeader;
import ai.ominix.weights.WeightsFormatException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checkpoint tensors loaded by MLX itself ({@code mlx_load_safetensors}), as stored: no dtype
 * conversion, quantized tensors stay packed. Each file's header is validated by
 * {@link SafetensorsHeader} first (MLX trusts what it reads), and what MLX loaded must agree with
 * it. The weights own their arrays and release them on {@link #close()} (model unload).
 */
final class MlxWeights implements Weights {

    private final Map<String, Tensor> tensors;
    private final long bytes;

    private MlxWeights(Map<String, Tensor> tensors, long bytes) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.bytes = bytes;
    }

    static MlxWeights load(MlxBackend backend, MlxStream stream, List<Path> files) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long bytes = 0;
        try {
            for (Path file : files) {
                SafetensorsHeader header = SafetensorsHeader.read(file);
                for (SafetensorsHeader.Entry e : header.entries().values()) {
                    if (e.kernelDType() == null) {
                        throw new WeightsFormatException(file + ": tensor '" + e.name() + "' has dtype " + e.dtype()
                                + ", which the kernel interface does not support");
                    }
                    if (tensors.containsKey(e.name())) {
                        throw new WeightsFormatException("tensor '" + e.name() + "' appears in more than one file ("
                                + file + ")");
                    }
                    bytes += e.byteSize();
                }
                MlxSafetensors.Contents contents;
                try {
                    contents = MlxSafetensors.load(file, stream);
                } catch (MlxException e) {
                    throw new WeightsFormatException("MLX cannot load " + file + ": " + e.getMessage(), e);
                }
                adopt(backend, file, header, contents, tensors);
            }
            // Read the data now: I/O errors surface here, not in the first request.
            backend.eval(tensors.values().toArray(Tensor[]::new));
            return new MlxWeights(tensors, bytes);
        } catch (RuntimeException e) {
            tensors.values().forEach(Tensor::close);
            throw e;
        }
    }

    /** Moves MLX's arrays into {@code out}, checking each against the validated header. */
    private static void adopt(MlxBackend backend, Path file, SafetensorsHeader header, MlxSafetensors.Contents contents,
            Map<String, Tensor> out) {
        try (contents) {
            if (!contents.arrays().keySet().equals(header.entries().keySet())) {
                throw new WeightsFormatException(file + ": MLX read tensors " + contents.arrays().keySet()
                        + " but the header lists " + header.entries().keySet());
            }
            for (var e : contents.arrays().entrySet()) {
                SafetensorsHeader.Entry entry = header.entries().get(e.getKey());
                MlxArray a = e.getValue();
                DType dtype = MlxTensor.kernelType(a.dtype());
                if (dtype != entry.kernelDType() || !Arrays.equals(a.shape(), entry.intShape())) {
                    throw new WeightsFormatException(file + ": MLX read '" + e.getKey() + "' as " + a.dtype()
                            + Arrays.toString(a.shape()) + ", the header says " + entry.dtype()
                            + Arrays.toString(entry.shape()));
                }
            }
            // Ownership moves array by array, so that a failure closes each handle exactly once.
            for (var it = contents.arrays().entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                out.put(e.getKey(), backend.wrapWeight(e.getValue()));
                it.remove();
            }
        }
    }

    @Override
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in the loaded weights");
        return t;
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public long byteSize() {
        return bytes;
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
    }
}
