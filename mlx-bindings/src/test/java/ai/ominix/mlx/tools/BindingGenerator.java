package ai.ominix.mlx.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the java.lang.foreign bindings in {@code ai.ominix.mlx.c} from the mlx-c headers, in
 * the spirit of jextract (which we cannot download here): one class per header holding a
 * downcall handle and a static method per bound function, struct layouts and enum constants in
 * {@code CTypes}, and the list of every bound symbol in {@code CSymbols}. Only the functions
 * listed in {@link #SELECTION} are bound (the ops the kernel interface needs, plus arrays,
 * devices, streams, errors, I/O and memory); their signatures come from the headers alone.
 *
 * <p>Run as a single-file program (no dependencies):
 * <pre>java mlx-bindings/src/test/java/ai/ominix/mlx/tools/BindingGenerator.java \
 *      /opt/mlxc/include mlx-bindings/src/main/java</pre>
 * {@code GeneratedBindingsTest} regenerates into a temporary directory from the headers installed
 * next to the library found at run time and requires the committed sources to be identical.
 */
public final class BindingGenerator {

    /** Header (under mlx/c/) → functions bound from it, in output order. */
    public static final Map<String, List<String>> SELECTION = new LinkedHashMap<>();

    static {
        SELECTION.put("array.h", List.of(
                "mlx_dtype_size", "mlx_array_tostring", "mlx_array_new", "mlx_array_free",
                "mlx_array_new_bool", "mlx_array_new_int", "mlx_array_new_float32", "mlx_array_new_data",
                "mlx_array_set", "mlx_array_itemsize", "mlx_array_size", "mlx_array_nbytes",
                "mlx_array_ndim", "mlx_array_shape", "mlx_array_strides", "mlx_array_dim", "mlx_array_dtype",
                "mlx_array_eval", "mlx_array_item_int32", "mlx_array_item_float32",
                // f16/bf16 data and item accessors exist only on ARM builds: read them as uint16.
                "mlx_array_data_uint8", "mlx_array_data_uint16", "mlx_array_data_uint32",
                "mlx_array_data_int32", "mlx_array_data_float32", "_mlx_array_is_contiguous"));
        SELECTION.put("device.h", List.of(
                "mlx_device_new", "mlx_device_new_type", "mlx_device_free", "mlx_device_tostring",
                "mlx_device_get_type", "mlx_device_get_index", "mlx_get_default_device",
                "mlx_device_is_available", "mlx_device_count"));
        // mlx_default_gpu_stream_new is deliberately not bound: it fails on builds without a GPU.
        SELECTION.put("stream.h", List.of(
                "mlx_stream_new", "mlx_stream_new_device", "mlx_stream_free", "mlx_stream_tostring",
                "mlx_stream_get_device", "mlx_synchronize", "mlx_get_default_stream",
                "mlx_default_cpu_stream_new"));
        SELECTION.put("error.h", List.of("mlx_set_error_handler"));
        SELECTION.put("string.h", List.of("mlx_string_new", "mlx_string_data", "mlx_string_free"));
        SELECTION.put("version.h", List.of("mlx_version"));
        SELECTION.put("vector.h", List.of(
                "mlx_vector_array_new", "mlx_vector_array_free", "mlx_vector_array_new_data",
                "mlx_vector_array_append_value", "mlx_vector_array_size", "mlx_vector_array_get"));
        SELECTION.put("map.h", List.of(
                "mlx_map_string_to_array_new", "mlx_map_string_to_array_free", "mlx_map_string_to_array_get",
                "mlx_map_string_to_array_iterator_new", "mlx_map_string_to_array_iterator_free",
                "mlx_map_string_to_array_iterator_next", "mlx_map_string_to_string_new",
                "mlx_map_string_to_string_free", "mlx_map_string_to_string_iterator_new",
                "mlx_map_string_to_string_iterator_free", "mlx_map_string_to_string_iterator_next"));
        SELECTION.put("io.h", List.of("mlx_load_safetensors"));
        SELECTION.put("memory.h", List.of(
                "mlx_clear_cache", "mlx_get_active_memory", "mlx_get_cache_memory", "mlx_get_memory_limit",
                "mlx_get_peak_memory", "mlx_reset_peak_memory", "mlx_set_cache_limit",
                "mlx_set_memory_limit"));
        SELECTION.put("transforms.h", List.of("mlx_eval", "mlx_async_eval"));
        SELECTION.put("fast.h", List.of(
                "mlx_fast_rms_norm", "mlx_fast_layer_norm", "mlx_fast_rope",
                "mlx_fast_scaled_dot_product_attention"));
        SELECTION.put("ops.h", List.of(
                "mlx_add", "mlx_subtract", "mlx_multiply", "mlx_divide", "mlx_maximum", "mlx_exp", "mlx_log",
                "mlx_sigmoid", "mlx_erf", "mlx_negative", "mlx_astype", "mlx_depends", "mlx_zeros", "mlx_contiguous",
                "mlx_reshape", "mlx_transpose_axes", "mlx_slice", "mlx_slice_update", "mlx_concatenate_axis",
                "mlx_take_axis", "mlx_repeat_axis", "mlx_sum_axis", "mlx_mean_axis", "mlx_max_axis",
                "mlx_logsumexp_axis", "mlx_argmax_axis", "mlx_softmax_axis", "mlx_matmul", "mlx_addmm",
                "mlx_quantize", "mlx_dequantize", "mlx_quantized_matmul", "mlx_conv1d", "mlx_conv2d"));
    }

    /** Enums whose constants are emitted into CTypes. */
    static final List<String> ENUMS = List.of("mlx_dtype", "mlx_device_type");

    static final String PACKAGE = "ai.ominix.mlx.c";

    private static final Set<String> JAVA_KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte",
            "case", "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum",
            "extends", "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof",
            "int", "interface", "long", "native", "new", "package", "private", "protected", "public", "return",
            "short", "static", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "var", "record", "yield");

    record CType(String c, String layout, String javaType, boolean struct) {}

    record Param(String cText, String name, CType type) {}

    record Function(String header, String name, String prototype, CType ret, List<Param> params) {}

    record Struct(String name, List<String[]> fields) {} // fields: {cType, name}

    private final Map<String, String> headers = new LinkedHashMap<>(); // file → cleaned text
    private final Map<String, Struct> structs = new LinkedHashMap<>();
    private final Map<String, List<String>> enums = new LinkedHashMap<>();
    private final Set<String> usedStructs = new LinkedHashSet<>();

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BindingGenerator <include dir containing mlx/c> <java source root>");
            System.exit(2);
        }
        Map<String, String> files = generate(Path.of(args[0]));
        Path root = Path.of(args[1]);
        for (var e : files.entrySet()) {
            Path out = root.resolve(e.getKey());
            Files.createDirectories(out.getParent());
            Files.writeString(out, e.getValue());
            System.out.println("wrote " + out);
        }
    }

    /** Source path (relative to a source root) → contents, for every generated file. */
    public static Map<String, String> generate(Path includeDir) throws IOException {
        BindingGenerator g = new BindingGenerator();
        Path dir = includeDir.resolve("mlx/c");
        try (var list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.toString().endsWith(".h")).sorted().toList()) {
                g.headers.put(p.getFileName().toString(), clean(Files.readString(p)));
            }
        }
        g.headers.values().forEach(g::collectTypes);
        List<Function> all = new ArrayList<>();
        Map<String, String> out = new LinkedHashMap<>();
        String pkgDir = PACKAGE.replace('.', '/') + "/";
        for (var e : SELECTION.entrySet()) {
            String text = g.headers.get(e.getKey());
            if (text == null) throw new IllegalStateException("missing header mlx/c/" + e.getKey());
            List<Function> fns = new ArrayList<>();
            for (String name : e.getValue()) fns.add(g.parseFunction(e.getKey(), text, name));
            all.addAll(fns);
            out.put(pkgDir + className(e.getKey()) + ".java", g.renderHeaderClass(e.getKey(), fns));
        }
        out.put(pkgDir + "CTypes.java", g.renderTypes());
        out.put(pkgDir + "CSymbols.java", renderSymbols(all));
        return out;
    }

    public static String className(String header) {
        String base = header.substring(0, header.length() - 2);
        StringBuilder sb = new StringBuilder("C");
        for (String part : base.split("_")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }

    /** Comments out (keeping "may be null" notes as a marker), ARM-only #ifdef blocks dropped. */
    static String clean(String src) {
        src = src.replace("/* may be null */", " @nullable ");
        src = src.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        StringBuilder sb = new StringBuilder();
        int skipDepth = 0;
        int depth = 0;
        for (String line : src.split("\n")) {
            String t = line.trim();
            if (t.startsWith("#if")) {
                depth++;
                if (skipDepth == 0 && (t.contains("HAS_FLOAT16") || t.contains("HAS_BFLOAT16"))) skipDepth = depth;
                continue;
            }
            if (t.startsWith("#endif")) {
                if (skipDepth == depth) skipDepth = 0;
                depth--;
                continue;
            }
            if (t.startsWith("#") || skipDepth != 0) continue;
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private void collectTypes(String text) {
        Matcher m = Pattern.compile("typedef\\s+struct\\s+\\w+\\s*\\{([^}]*)\\}\\s*(\\w+)\\s*;").matcher(text);
        while (m.find()) {
            List<String[]> fields = new ArrayList<>();
            for (String f : m.group(1).split(";")) {
                f = f.trim().replaceAll("\\s+", " ");
                if (f.isEmpty()) continue;
                if (f.contains("(")) { // function pointer member
                    Matcher fp = Pattern.compile("\\(\\s*\\*\\s*(\\w+)\\s*\\)").matcher(f);
                    if (!fp.find()) throw new IllegalStateException("cannot parse member " + f);
                    fields.add(new String[] {"void*", fp.group(1)});
                    continue;
                }
                int cut = Math.max(f.lastIndexOf(' '), f.lastIndexOf('*'));
                fields.add(new String[] {f.substring(0, cut + 1).replace(" ", ""), f.substring(cut + 1)});
            }
            structs.put(m.group(2), new Struct(m.group(2), fields));
        }
        Matcher e = Pattern.compile("typedef\\s+enum\\s+\\w+\\s*\\{([^}]*)\\}\\s*(\\w+)\\s*;").matcher(text);
        while (e.find()) {
            List<String> names = new ArrayList<>();
            for (String c : e.group(1).split(",")) {
                c = c.trim();
                if (c.isEmpty()) continue;
                if (c.contains("=")) throw new IllegalStateException("explicit enum values not supported: " + c);
                names.add(c);
            }
            enums.put(e.group(2), names);
        }
    }

    private Function parseFunction(String header, String text, String name) {
        Matcher m = Pattern.compile("(?:^|[;{}])\\s*([\\w\\s\\*]+?)\\b" + Pattern.quote(name) + "\\s*\\(").matcher(text);
        while (m.find()) {
            String ret = m.group(1).trim();
            if (ret.startsWith("typedef") || ret.isEmpty()) continue;
            int open = m.end() - 1;
            int close = matchParen(text, open);
            String rest = text.substring(close + 1).stripLeading();
            if (!rest.startsWith(";")) continue; // a definition or a use, not a declaration
            String paramText = text.substring(open + 1, close).trim();
            List<Param> params = new ArrayList<>();
            if (!paramText.equals("void") && !paramText.isEmpty()) {
                for (String p : splitTopLevel(paramText)) params.add(parseParam(p.trim().replaceAll("\\s+", " ")));
            }
            CType rt = ret.equals("void") ? null : type(ret);
            StringBuilder proto = new StringBuilder(normalize(ret)).append(' ').append(name).append('(');
            for (int i = 0; i < params.size(); i++) {
                if (i > 0) proto.append(", ");
                proto.append(params.get(i).cText());
            }
            proto.append(')');
            return new Function(header, name, proto.toString(), rt, params);
        }
        throw new IllegalStateException("no declaration of " + name + " in mlx/c/" + header);
    }

    private static int matchParen(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') depth++;
            if (s.charAt(i) == ')' && --depth == 0) return i;
        }
        throw new IllegalStateException("unbalanced parentheses");
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private Param parseParam(String p) {
        boolean nullable = p.contains("@nullable");
        p = p.replace("@nullable", "").trim();
        String shown = normalize(p) + (nullable ? " /* may be null */" : "");
        if (p.contains("(")) { // function pointer
            Matcher fp = Pattern.compile("\\(\\s*\\*\\s*(\\w+)\\s*\\)").matcher(p);
            if (!fp.find()) throw new IllegalStateException("cannot parse parameter " + p);
            return new Param(shown, javaName(fp.group(1)), type("void*"));
        }
        int cut = Math.max(p.lastIndexOf(' '), p.lastIndexOf('*'));
        String typeText = p.substring(0, cut + 1).trim();
        return new Param(shown, javaName(p.substring(cut + 1)), type(typeText));
    }

    private static String normalize(String c) {
        return c.replaceAll("\\s+", " ").replaceAll("\\s*\\*", "*").trim();
    }

    private static String javaName(String n) {
        return JAVA_KEYWORDS.contains(n) ? n + "_" : n;
    }

    private CType type(String c) {
        String t = normalize(c).replace("const ", "").replace(" const", "").trim();
        if (t.endsWith("*")) return new CType(t, "C_POINTER", "MemorySegment", false);
        if (t.equals("mlx_error_handler_func")) return new CType(t, "C_POINTER", "MemorySegment", false);
        if (enums.containsKey(t)) return new CType(t, "C_INT", "int", false);
        if (structs.containsKey(t)) {
            usedStructs.add(t);
            return new CType(t, t, "MemorySegment", true);
        }
        return switch (t) {
            case "int", "int32_t", "uint32_t" -> new CType(t, "C_INT", "int", false);
            case "bool" -> new CType(t, "C_BOOL", "boolean", false);
            case "float" -> new CType(t, "C_FLOAT", "float", false);
            case "double" -> new CType(t, "C_DOUBLE", "double", false);
            case "size_t", "int64_t", "uint64_t" -> new CType(t, "C_LONG", "long", false);
            case "uint16_t", "int16_t" -> new CType(t, "C_SHORT", "short", false);
            case "uint8_t", "int8_t", "char" -> new CType(t, "C_CHAR", "byte", false);
            default -> throw new IllegalStateException("unmapped C type: " + c);
        };
    }

    private String renderHeaderClass(String header, List<Function> fns) {
        StringBuilder sb = new StringBuilder();
        sb.append(banner("mlx/c/" + header));
        sb.append("package ").append(PACKAGE).append(";\n\n");
        sb.append("import static ").append(PACKAGE).append(".CTypes.*;\n\n");
        sb.append("import ai.ominix.mlx.MlxLibrary;\n");
        sb.append("import java.lang.foreign.FunctionDescriptor;\n");
        sb.append("import java.lang.foreign.MemorySegment;\n");
        boolean allocator = fns.stream().anyMatch(f -> f.ret() != null && f.ret().struct());
        if (allocator) sb.append("import java.lang.foreign.SegmentAllocator;\n");
        sb.append("import java.lang.invoke.MethodHandle;\n\n");
        sb.append("/** Downcalls to the functions bound from {@code mlx/c/").append(header).append("}. */\n");
        sb.append("@SuppressWarnings(\"unused\")\n");
        sb.append("public final class ").append(className(header)).append(" {\n\n");
        sb.append("    private ").append(className(header)).append("() {}\n");
        for (Function f : fns) {
            sb.append('\n');
            sb.append("    private static final MethodHandle ").append(f.name()).append(" = MlxLibrary.downcall(\"")
                    .append(f.name()).append("\",\n            ").append(descriptor(f)).append(");\n\n");
            sb.append("    /** {@code ").append(f.prototype().replace("/*", "/\u2217").replace("*/", "\u2217/"))
                    .append("} */\n");
            String jret = f.ret() == null ? "void" : f.ret().javaType();
            sb.append("    public static ").append(jret).append(' ').append(f.name()).append('(');
            List<String> decl = new ArrayList<>();
            List<String> call = new ArrayList<>();
            if (f.ret() != null && f.ret().struct()) {
                decl.add("SegmentAllocator allocator");
                call.add("allocator");
            }
            for (Param p : f.params()) {
                decl.add(p.type().javaType() + " " + p.name());
                call.add(p.name());
            }
            sb.append(String.join(", ", decl)).append(") {\n");
            sb.append("        try {\n");
            sb.append("            ");
            if (f.ret() != null) sb.append("return (").append(jret).append(") ");
            sb.append(f.name()).append(".invokeExact(").append(String.join(", ", call)).append(");\n");
            sb.append("        } catch (Throwable t) {\n");
            sb.append("            throw MlxLibrary.unexpected(\"").append(f.name()).append("\", t);\n");
            sb.append("        }\n");
            sb.append("    }\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static String descriptor(Function f) {
        List<String> args = new ArrayList<>();
        for (Param p : f.params()) args.add(p.type().layout());
        if (f.ret() == null) return "FunctionDescriptor.ofVoid(" + String.join(", ", args) + ")";
        args.addFirst(f.ret().layout());
        return "FunctionDescriptor.of(" + String.join(", ", args) + ")";
    }

    private String renderTypes() {
        StringBuilder sb = new StringBuilder();
        sb.append(banner("mlx/c/*.h (types)"));
        sb.append("package ").append(PACKAGE).append(";\n\n");
        sb.append("import java.lang.foreign.AddressLayout;\n");
        sb.append("import java.lang.foreign.MemoryLayout;\n");
        sb.append("import java.lang.foreign.StructLayout;\n");
        sb.append("import java.lang.foreign.ValueLayout;\n\n");
        sb.append("/** C layouts of the scalar types, the structs passed by value, and the enum constants. */\n");
        sb.append("public final class CTypes {\n\n");
        sb.append("    private CTypes() {}\n\n");
        sb.append("    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;\n");
        sb.append("    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;\n");
        sb.append("    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;\n");
        sb.append("    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;\n");
        sb.append("    /** {@code size_t} and the 64-bit integers: 64 bits on every platform MLX supports. */\n");
        sb.append("    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;\n");
        sb.append("    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;\n");
        sb.append("    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;\n");
        sb.append("    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;\n");
        for (String s : usedStructs) {
            Struct st = structs.get(s);
            sb.append("\n    /** {@code typedef struct { ");
            for (String[] f : st.fields()) sb.append(f[0]).append(' ').append(f[1]).append("; ");
            sb.append("} ").append(s).append("} */\n");
            sb.append("    public static final StructLayout ").append(s).append(" = MemoryLayout.structLayout(\n");
            List<String> members = new ArrayList<>();
            long offset = 0;
            long maxAlign = 1;
            for (String[] f : st.fields()) {
                long size = sizeOf(f[0]);
                maxAlign = Math.max(maxAlign, size);
                if (offset % size != 0) {
                    long pad = size - offset % size;
                    members.add("MemoryLayout.paddingLayout(" + pad + ")");
                    offset += pad;
                }
                members.add(type(f[0]).layout() + ".withName(\"" + f[1] + "\")");
                offset += size;
            }
            if (offset % maxAlign != 0) members.add("MemoryLayout.paddingLayout(" + (maxAlign - offset % maxAlign) + ")");
            sb.append("            ").append(String.join(",\n            ", members)).append(")\n");
            sb.append("            .withName(\"").append(s).append("\");\n");
        }
        for (String en : ENUMS) {
            List<String> names = enums.get(en);
            if (names == null) throw new IllegalStateException("missing enum " + en);
            sb.append("\n    // enum ").append(en).append('\n');
            for (int i = 0; i < names.size(); i++) {
                sb.append("    public static final int ").append(names.get(i)).append(" = ").append(i).append(";\n");
            }
        }
        sb.append("}\n");
        return sb.toString();
    }

    private long sizeOf(String cType) {
        CType t = type(cType);
        return switch (t.layout()) {
            case "C_BOOL", "C_CHAR" -> 1;
            case "C_SHORT" -> 2;
            case "C_INT", "C_FLOAT" -> 4;
            case "C_LONG", "C_DOUBLE", "C_POINTER" -> 8;
            default -> throw new IllegalStateException("nested struct member " + cType);
        };
    }

    private static String renderSymbols(List<Function> all) {
        StringBuilder sb = new StringBuilder();
        sb.append(banner("mlx/c/*.h (symbol list)"));
        sb.append("package ").append(PACKAGE).append(";\n\n");
        sb.append("import java.util.List;\n\n");
        sb.append("/** Every mlx-c function these bindings call, to check a library before using it. */\n");
        sb.append("public final class CSymbols {\n\n");
        sb.append("    private CSymbols() {}\n\n");
        sb.append("    public static final List<String> ALL = List.of(\n");
        List<String> quoted = all.stream().map(f -> "\"" + f.name() + "\"").toList();
        for (int i = 0; i < quoted.size(); i += 4) {
            sb.append("            ").append(String.join(", ", quoted.subList(i, Math.min(quoted.size(), i + 4))));
            sb.append(i + 4 < quoted.size() ? ",\n" : ");\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static String banner(String source) {
        return "// Generated by ai.ominix.mlx.tools.BindingGenerator from the mlx-c 0.6.0 header " + source
                + ".\n// Do not edit: change the generator's selection and regenerate (see its javadoc).\n";
    }
}
