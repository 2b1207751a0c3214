package ai.ominix.weights;

import ai.ominix.kernel.DType;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: an 8-byte little-endian length, then that many
 * bytes of JSON mapping tensor names to {@code {dtype, shape, data_offsets}} (offsets relative to
 * the data area that follows the header) plus an optional {@code __metadata__} string map.
 *
 * <p>Every check needed to read the data area safely happens here: sane length, well-formed JSON
 * without duplicate keys, known dtypes, non-negative dimensions, {@code dtype × shape} equal to
 * the byte span, spans inside the data area and not overlapping.
 */
public record SafetensorsHeader(Map<String, Entry> entries, Map<String, String> metadata, long dataOffset) {

    /** Same limit as the reference Rust implementation and MLX. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Element sizes of every dtype the safetensors format defines. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
            Map.entry("F8_E4M3", 1), Map.entry("F8_E8M0", 1), Map.entry("I16", 2), Map.entry("U16", 2),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4),
            Map.entry("F32", 4), Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8),
            Map.entry("C64", 8));

    /**
     * One tensor's entry. {@code begin}/{@code end} are byte offsets inside the data area.
     */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {

        public long byteSize() {
            return end - begin;
        }

        /** The kernel dtype, or null when the kernel interface has no such type (e.g. I64). */
        public DType kernelDType() {
            return DType.fromSafetensors(dtype);
        }

        /** The shape as ints (every dimension of a usable tensor fits). */
        public int[] intShape() {
            int[] s = new int[shape.length];
            for (int i = 0; i < s.length; i++) {
                if (shape[i] > Integer.MAX_VALUE) {
                    throw new WeightsFormatException("tensor '" + name + "' dimension " + shape[i] + " is too large");
                }
                s[i] = (int) shape[i];
            }
            return s;
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    /** Byte size of one element of a safetensors dtype string, or -1 when the format has no such dtype. */
    public static int dtypeBytes(String dtype) {
        Integer b = DTYPE_BYTES.get(dtype);
        return b == null ? -1 : b;
    }

    /** Reads and validates the header of {@code file} (without mapping the data). */
    public static SafetensorsHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            checkHasLengthField(size, file.toString());
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long n = checkedHeaderLength(lenBuf.getLong(0), size, file.toString());
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, 8, file);
            return parse(json.array(), size - 8 - n, file.toString());
        } catch (IOException e) {
            throw new WeightsFormatException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new WeightsFormatException(file + ": truncated safetensors file (header ends early)");
            }
        }
    }

    private static void checkHasLengthField(long fileSize, String label) {
        if (fileSize < 8) {
            throw new WeightsFormatException(label + ": not a safetensors file (" + fileSize + " bytes, no header length)");
        }
    }

    /** Validates the 8-byte header length against the file size; returns it. */
    static long checkedHeaderLength(long n, long fileSize, String label) {
        checkHasLengthField(fileSize, label);
        if (n <= 0 || n >= MAX_HEADER_BYTES) {
            throw new WeightsFormatException(label + ": invalid safetensors header length " + Long.toUnsignedString(n));
        }
        if (n > fileSize - 8) {
            throw new WeightsFormatException(label + ": the safetensors header is " + n + " bytes but the file has only "
                    + fileSize + " bytes (truncated download?)");
        }
        return n;
    }

    /**
     * Parses and validates header JSON.
     *
     * @param dataLength bytes available after the header (file size − 8 − header length)
     */
    static SafetensorsHeader parse(byte[] json, long dataLength, String label) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WeightsFormatException(label + ": malformed safetensors header JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new WeightsFormatException(label + ": unreadable safetensors header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightsFormatException(label + ": safetensors header is not a JSON object");
        }
        Map<String, String> metadata = Map.of();
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (name.equals("__metadata__")) {
                metadata = parseMetadata(field.getValue(), label);
            } else {
                list.add(parseEntry(name, field.getValue(), dataLength, label));
            }
        }
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long prevEnd = 0;
        String prevName = null;
        for (Entry e : list) {
            if (e.begin < prevEnd) {
                throw new WeightsFormatException(label + ": tensor '" + e.name + "' " + span(e) + " overlaps tensor '"
                        + prevName + "' (ends at " + prevEnd + ")");
            }
            if (e.end > prevEnd) {
                prevEnd = e.end;
                prevName = e.name;
            }
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry e : list) entries.put(e.name, e);
        return new SafetensorsHeader(Collections.unmodifiableMap(entries), metadata, 8 + json.length);
    }

    private static Map<String, String> parseMetadata(JsonNode node, String label) {
        if (node.isNull()) return Map.of(); // mx.save_safetensors writes null when given no metadata
        if (!node.isObject()) {
            throw new WeightsFormatException(label + ": __metadata__ must be an object of strings");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isTextual()) {
                throw new WeightsFormatException(label + ": __metadata__ value for '" + f.getKey() + "' is not a string");
            }
            m.put(f.getKey(), f.getValue().asText());
        }
        return Collections.unmodifiableMap(m);
    }

    private static Entry parseEntry(String name, JsonNode node, long dataLength, String label) {
        String where = label + ": tensor '" + name + "'";
        if (name.isEmpty()) throw new WeightsFormatException(label + ": empty tensor name");
        if (!node.isObject()) throw new WeightsFormatException(where + " is not an object");
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) throw new WeightsFormatException(where + " has no dtype string");
        String dtype = dt.asText();
        int elem = dtypeBytes(dtype);
        if (elem < 0) throw new WeightsFormatException(where + " has unknown dtype '" + dtype + "'");
        long[] shape = longArray(node.get("shape"), -1, where + " shape");
        long[] offsets = longArray(node.get("data_offsets"), 2, where + " data_offsets");
        long expected = elem;
        try {
            for (long d : shape) expected = Math.multiplyExact(expected, d);
        } catch (ArithmeticException e) {
            throw new WeightsFormatException(where + " shape " + Arrays.toString(shape) + " is too large");
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin || end - begin != expected) {
            throw new WeightsFormatException(where + " has data_offsets [" + begin + ", " + end + "] but " + dtype
                    + Arrays.toString(shape) + " needs " + expected + " bytes");
        }
        if (end > dataLength) {
            throw new WeightsFormatException(where + " data_offsets [" + begin + ", " + end
                    + "] lie beyond the end of the file (data area is " + dataLength + " bytes; truncated download?)");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] longArray(JsonNode node, int requiredLength, String what) {
        if (node == null || !node.isArray()) throw new WeightsFormatException(what + " is not an array");
        if (requiredLength >= 0 && node.size() != requiredLength) {
            throw new WeightsFormatException(what + " must have " + requiredLength + " entries, has " + node.size());
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new WeightsFormatException(what + " entry " + v + " is not a non-negative integer");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private static String span(Entry e) {
        return "[" + e.begin + ", " + e.end + ")";
    }
}
