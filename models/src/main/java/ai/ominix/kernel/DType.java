package ai.ominix.kernel;

/** Element types the kernel interface moves around. Activations are always {@link #F32}. */
public enum DType {
    F32(4, "F32"),
    F16(2, "F16"),
    BF16(2, "BF16"),
    U32(4, "U32"),
    I32(4, "I32");

    private final int bytes;
    private final String safetensorsName;

    DType(int bytes, String safetensorsName) {
        this.bytes = bytes;
        this.safetensorsName = safetensorsName;
    }

    public int byteSize() {
        return bytes;
    }

    /** The dtype string used in safetensors headers ("F32", "BF16", ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** Parses a safetensors dtype string; null when this interface has no such type. */
    public static DType fromSafetensors(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) return t;
        }
        return null;
    }
}
