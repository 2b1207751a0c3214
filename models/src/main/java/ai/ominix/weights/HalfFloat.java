package ai.ominix.weights;

/**
 * Conversions between f32 and the two 16-bit float formats of checkpoints. Narrowing rounds to
 * nearest, ties to even (as MLX's and PyTorch's casts do); NaN stays NaN.
 */
public final class HalfFloat {

    private HalfFloat() {}

    /** bfloat16 bits → f32 (exact). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** f32 → bfloat16 bits, round to nearest even. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFF_FFFF) > 0x7F80_0000) {
            // NaN: keep the sign, force a quiet-NaN payload that survives the truncation
            return (short) ((x >>> 16) | 0x0040);
        }
        int lsb = (x >>> 16) & 1;
        return (short) ((x + 0x7FFF + lsb) >>> 16);
    }

    /** IEEE binary16 bits → f32 (exact). */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** f32 → IEEE binary16 bits, round to nearest even (overflow gives ±inf). */
    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }

    /** The value {@code f} takes after a round trip through bfloat16. */
    public static float roundToBf16(float f) {
        return bf16ToFloat(floatToBf16(f));
    }

    /** The value {@code f} takes after a round trip through binary16. */
    public static float roundToF16(float f) {
        return f16ToFloat(floatToF16(f));
    }
}
