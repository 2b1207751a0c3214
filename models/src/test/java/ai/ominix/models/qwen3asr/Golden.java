package ai.ominix.models.qwen3asr;

import ai.ominix.weights.SafetensorsFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

/**
 * One golden file written by {@code qwen3asr_goldens.py} (the independent PyTorch reference):
 * F32/I32 arrays plus string metadata, read fully into memory.
 */
record Golden(String name, Map<String, float[]> floats, Map<String, int[]> ints, Map<String, int[]> shapes,
              Map<String, String> metadata) {

    static final String REGENERATE = "models/src/test/python/regenerate_qwen3asr_goldens.sh";
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static Golden load(String name) {
        URL url = Golden.class.getResource("/qwen3asr/golden/" + name + ".safetensors");
        if (url == null) throw new AssertionError("missing golden file " + name + "; run " + REGENERATE);
        Map<String, float[]> floats = new java.util.HashMap<>();
        Map<String, int[]> ints = new java.util.HashMap<>();
        Map<String, int[]> shapes = new java.util.HashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(Path.of(url.toURI()))) {
            for (String n : f.names()) {
                MemorySegment data = f.data(n);
                shapes.put(n, f.entry(n).intShape());
                switch (f.entry(n).dtype()) {
                    case "F32" -> floats.put(n, data.toArray(F32));
                    case "I32" -> ints.put(n, data.toArray(I32));
                    default -> throw new AssertionError("unexpected golden dtype " + f.entry(n).dtype());
                }
            }
            return new Golden(name, floats, ints, shapes, Map.copyOf(f.metadata()));
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    float[] floats(String tensor) {
        return required(floats.get(tensor), tensor);
    }

    int[] ints(String tensor) {
        return required(ints.get(tensor), tensor);
    }

    String meta(String key) {
        return required(metadata.get(key), key);
    }

    private <T> T required(T v, String what) {
        if (v == null) throw new AssertionError(name + " has no " + what + "; run " + REGENERATE);
        return v;
    }

    /** max|actual − expected| / max|expected|. */
    static double relativeError(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != golden " + expected.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }
}
