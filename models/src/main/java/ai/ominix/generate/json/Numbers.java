package ai.ominix.generate.json;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.RegExp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * JSON numbers as automata over their characters: any number, integers, and numbers within
 * {@code minimum}/{@code maximum} bounds (exclusive ones too). Digits are bounded (at most
 * {@value #INT_DIGITS} before the point, {@value #FRACTION_DIGITS} after, a two-digit exponent),
 * so that every generated number is an ordinary double and a model cannot write digits forever.
 * Bounded numbers are written without exponent: an integer part within the bounds, with a
 * fraction only where every fraction keeps the value inside them.
 */
final class Numbers {
    static final int INT_DIGITS = 16;
    static final int FRACTION_DIGITS = 15;

    private Numbers() {}

    private static Automaton re(String regex) {
        return new RegExp(regex, RegExp.NONE).toAutomaton();
    }

    /** A canonical non-negative integer: {@code 0} or no leading zero. */
    private static Automaton natural(int digits) {
        return re("0|[1-9][0-9]{0," + (digits - 1) + "}");
    }

    private static Automaton fraction() {
        return re("\\.[0-9]{1," + FRACTION_DIGITS + "}");
    }

    static Automaton any() {
        return re("\\-?").concatenate(natural(INT_DIGITS)).concatenate(fraction().optional())
                .concatenate(re("([eE][\\-\\+]?[1-9][0-9]?)?"));
    }

    static Automaton integer() {
        return re("\\-?").concatenate(natural(INT_DIGITS));
    }

    /**
     * Integers or numbers in [lo, hi] (null: unbounded), each bound exclusive or not.
     *
     * @throws UnsupportedSchemaException when no value fits
     */
    static Automaton range(boolean integer, BigDecimal lo, boolean loExclusive, BigDecimal hi, boolean hiExclusive) {
        // Integers within the bounds, then integer parts i with i..i+1 inside them (any fraction).
        BigInteger intLo = lo == null ? null : lowestInteger(lo, loExclusive);
        BigInteger intHi = hi == null ? null : highestInteger(hi, hiExclusive);
        Automaton a = integers(intLo, intHi);
        if (!integer) {
            BigInteger partLo = lo == null ? null : lowestInteger(lo, loExclusive); // i.0 must not sit on an exclusive bound
            BigInteger partHi = hi == null ? null : hi.setScale(0, RoundingMode.FLOOR).toBigInteger().subtract(BigInteger.ONE);
            // negative parts: -i.f lies in [-i-1, -i], so -i-1 must be >= lo and -i <= hi
            a = a.union(nonNegative(partLo == null ? null : partLo.max(BigInteger.ZERO), partHi).concatenate(fraction()));
            if (lo == null || lo.signum() < 0) {
                BigInteger negLo = hi == null ? BigInteger.ZERO : lowestInteger(hi.negate(), hiExclusive).max(BigInteger.ZERO);
                BigInteger negHi = lo == null ? null : lo.negate().setScale(0, RoundingMode.FLOOR).toBigInteger().subtract(BigInteger.ONE);
                a = a.union(Automaton.makeChar('-').concatenate(nonNegative(negLo, negHi)).concatenate(fraction()));
            }
        }
        a.minimize();
        if (a.isEmpty()) {
            throw new UnsupportedSchemaException("minimum", "no " + (integer ? "integer" : "number")
                    + " lies within the bounds (minimum/maximum/exclusiveMinimum/exclusiveMaximum)");
        }
        return a;
    }

    private static BigInteger lowestInteger(BigDecimal lo, boolean exclusive) {
        BigInteger c = lo.setScale(0, RoundingMode.CEILING).toBigInteger();
        return exclusive && new BigDecimal(c).compareTo(lo) == 0 ? c.add(BigInteger.ONE) : c;
    }

    private static BigInteger highestInteger(BigDecimal hi, boolean exclusive) {
        BigInteger f = hi.setScale(0, RoundingMode.FLOOR).toBigInteger();
        return exclusive && new BigDecimal(f).compareTo(hi) == 0 ? f.subtract(BigInteger.ONE) : f;
    }

    /** Canonical integers in [lo, hi]. */
    private static Automaton integers(BigInteger lo, BigInteger hi) {
        Automaton a = Automaton.makeEmpty();
        if (hi == null || hi.signum() >= 0) a = a.union(nonNegative(lo == null ? BigInteger.ZERO : lo.max(BigInteger.ZERO), hi));
        if (lo == null || lo.signum() < 0) {
            BigInteger mLo = hi == null ? BigInteger.ONE : hi.negate().max(BigInteger.ONE);
            a = a.union(Automaton.makeChar('-').concatenate(nonNegative(mLo, lo == null ? null : lo.negate())));
        }
        return a;
    }

    /** Canonical non-negative integers in [lo, hi] (lo null: 0; hi null: at most {@value #INT_DIGITS} digits); empty when lo > hi. */
    private static Automaton nonNegative(BigInteger lo, BigInteger hi) {
        if (lo == null) lo = BigInteger.ZERO;
        if (hi != null && (hi.signum() < 0 || lo.compareTo(hi) > 0)) return Automaton.makeEmpty();
        String l = lo.toString();
        String h = hi != null ? hi.toString() : "9".repeat(Math.max(INT_DIGITS, l.length()));
        Automaton a = Automaton.makeEmpty();
        for (int len = l.length(); len <= h.length(); len++) { // by length: no leading zeros, whole digit ranges
            String from = len == l.length() ? l : "1" + "0".repeat(len - 1);
            String to = len == h.length() ? h : "9".repeat(len);
            a = a.union(sameLength(from, to));
        }
        return a;
    }

    /** Digit strings of one length from {@code a} to {@code b} (a <= b). */
    private static Automaton sameLength(String a, String b) {
        if (a.isEmpty()) return Automaton.makeEmptyString();
        char x = a.charAt(0), y = b.charAt(0);
        String ra = a.substring(1), rb = b.substring(1);
        if (ra.chars().allMatch(c -> c == '0') && rb.chars().allMatch(c -> c == '9')) {
            return Automaton.makeCharRange(x, y).concatenate(re("[0-9]{" + ra.length() + "}"));
        }
        if (x == y) return Automaton.makeChar(x).concatenate(sameLength(ra, rb));
        Automaton r = Automaton.makeChar(x).concatenate(sameLength(ra, "9".repeat(ra.length())));
        if (y - x > 1) r = r.union(Automaton.makeCharRange((char) (x + 1), (char) (y - 1)).concatenate(re("[0-9]{" + ra.length() + "}")));
        return r.union(Automaton.makeChar(y).concatenate(sameLength("0".repeat(rb.length()), rb)));
    }
}
