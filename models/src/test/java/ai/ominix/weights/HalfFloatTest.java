package ai.ominix.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatTest {

    /** Nearest bf16 by exhaustive neighbour comparison in exact decimal arithmetic, ties to even mantissa. */
    private static short nearestBf16(float f) {
        if (f < 0) return (short) (nearestBf16(-f) | 0x8000);
        int bits = Float.floatToRawIntBits(f);
        short lo = (short) (bits >>> 16);
        short hi = (short) (lo + 1);
        BigDecimal x = new BigDecimal(f);
        BigDecimal flo = new BigDecimal(HalfFloat.bf16ToFloat(lo));
        float up = HalfFloat.bf16ToFloat(hi);
        // with an unbounded exponent the value above the largest bf16 is 2^128; reaching it means +inf
        BigDecimal fhi = Float.isInfinite(up) ? new BigDecimal(2).pow(128) : new BigDecimal(up);
        int c = x.subtract(flo).abs().compareTo(x.subtract(fhi).abs());
        if (c < 0) return lo;
        if (c > 0) return hi;
        return (lo & 1) == 0 ? lo : hi;
    }

    @Test
    void bf16RoundsToNearestEven() {
        Random rnd = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) continue;
            assertEquals(nearestBf16(f), HalfFloat.floatToBf16(f), () -> "f=" + f);
        }
        // exact ties: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7; the even neighbour is 1
        assertEquals(1f, HalfFloat.roundToBf16(1f + 0x1p-8f));
        assertEquals(1f + 0x1p-6f, HalfFloat.roundToBf16(1f + 0x1p-7f + 0x1p-8f));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.roundToBf16(Float.MAX_VALUE));
        assertTrue(Float.isNaN(HalfFloat.roundToBf16(Float.intBitsToFloat(0x7F80_0001))), "a NaN with low payload stays NaN");
    }

    @Test
    void f16MatchesIeeeBinary16() {
        assertEquals(65504f, HalfFloat.roundToF16(65504f));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.roundToF16(65520f));
        assertEquals(1f, HalfFloat.roundToF16(1f + 0x1p-11f), "tie to even");
        assertEquals(0x1p-24f, HalfFloat.roundToF16(0x1p-24f), "smallest subnormal");
    }
}
