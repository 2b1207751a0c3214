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
 * this object; {@link #close} unmaps them (any tensor still used afterwards fails cleanly). A
 * tensor of a dtype the kernels lack (e.g. an I64 buffer some exporters leave in) does not stop
 * the load; asking for it fails with a message naming it.
 */
final class CpuWeights implements Weights {

    private final List<SafetensorsFile> files;
    private final Map<String, CpuTensor> tensors;
    private final Map<String, String> unsupported;
    private final Set<String> names;
    private final long bytes;

    private CpuWeights(List<SafetensorsFile> files, Map<String, CpuTensor> tensors, Map<String, String> unsupported, long bytes) {
        this.files = files;
        this.tensors = tensors;
        this.unsupported = unsupported;
        Set<String> all = new java.util.LinkedHashSet<>(tensors.keySet());
        all.addAll(unsupported.keySet());
        this.names = Collections.unmodifiableSet(all);
        this.bytes = bytes;
    }

    static CpuWeights open(CpuBackend be, List<Path> paths) {
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            Map<String, CpuTensor> tensors = new LinkedHashMap<>();
            Map<String, String> unsupported = new LinkedHashMap<>();
            long bytes = 0;
            for (Path p : paths) {
                SafetensorsFile f = SafetensorsFile.open(p);
                files.add(f);
                for (SafetensorsHeader.Entry e : f.header().entries().values()) {
                    if (tensors.containsKey(e.name()) || unsupported.containsKey(e.name())) {
                        throw new WeightsFormatException("tensor '" + e.name() + "' is stored in more than one file (" + p + ")");
                    }
                    DType dt = e.kernelDType();
                    if (dt == null) {
                        unsupported.put(e.name(), p + ": tensor '" + e.name() + "' has dtype " + e.dtype() + ", which the kernels do not support");
                        continue;
                    }
                    int[] shape = e.intShape();
                    tensors.put(e.name(), new CpuTensor(be, dt, shape, Shapes.contiguousStrides(shape), 0, Storage.borrowed(f.data(e.name()))));
                    bytes += e.byteSize();
                }
            }
            return new CpuWeights(files, Collections.unmodifiableMap(tensors), unsupported, bytes);
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    @Override
    public Tensor get(String name) {
        CpuTensor t = tensors.get(name);
        if (t != null) return t;
        String why = unsupported.get(name);
        if (why != null) throw new WeightsFormatException(why);
        throw new IllegalArgumentException("no tensor '" + name + "' in the checkpoint");
    }

    @Override
    public boolean contains(String name) {
        return names.contains(name);
    }

    @Override
    public Set<String> names() {
        return names;
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
