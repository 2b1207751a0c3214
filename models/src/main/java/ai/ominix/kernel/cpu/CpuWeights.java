package ai.ominix.kernel.cpu;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;
import ai.ominix.weights.SafetensorsFile;
import ai.ominix.weights.SafetensorsHeader;
import ai.ominix.weights.WeightsFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checkpoint tensors as zero-copy views of memory-mapped safetensors files. The mappings belong to
 * this object; {@link #close} unmaps them (any tensor still used afterwards fails cleanly).
 */
final class CpuWeights implements Weights {

    private final List<SafetensorsFile> files;
    private final Map<String, CpuTensor> tensors;
    private final long bytes;

    private CpuWeights(List<SafetensorsFile> files, Map<String, CpuTensor> tensors, long bytes) {
        this.files = files;
        this.tensors = tensors;
        this.bytes = bytes;
    }

    static CpuWeights open(CpuBackend be, List<Path> paths) {
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            Map<String, CpuTensor> tensors = new LinkedHashMap<>();
            long bytes = 0;
            for (Path p : paths) {
                SafetensorsFile f = SafetensorsFile.open(p);
                files.add(f);
                for (SafetensorsHeader.Entry e : f.header().entries().values()) {
                    DType dt = e.kernelDType();
                    if (dt == null) {
                        throw new WeightsFormatException(p + ": tensor '" + e.name() + "' has dtype " + e.dtype()
                                + ", which the kernels do not support");
                    }
                    int[] shape = e.intShape();
                    CpuTensor t = new CpuTensor(be, dt, shape, Shapes.contiguousStrides(shape), 0, Storage.borrowed(f.data(e.name())));
                    if (tensors.put(e.name(), t) != null) {
                        throw new WeightsFormatException("tensor '" + e.name() + "' is stored in more than one file (" + p + ")");
                    }
                    bytes += e.byteSize();
                }
            }
            return new CpuWeights(files, Collections.unmodifiableMap(tensors), bytes);
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    @Override
    public Tensor get(String name) {
        CpuTensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in the checkpoint");
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
        tensors.values().forEach(CpuTensor::close);
        files.forEach(SafetensorsFile::close);
    }
}
