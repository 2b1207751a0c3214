package ai.ominix.generate.json;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The number and pattern automata against plain references: BigDecimal comparisons and java.util.regex. */
class NumbersAndPatternsTest {

    private static List<String> candidates() {
        List<String> out = new ArrayList<>();
        for (int i = -40; i <= 40; i++) {
            out.add(Integer.toString(i));
            for (String f : List.of(".0", ".5", ".25", ".999", ".001")) out.add((i == 0 ? "-0" : Integer.toString(i)) + f);
            out.add(i + f0());
        }
        out.addAll(List.of("-0", "00", "01", "-01", "1.", ".5", "1e3", "1E+2", "-2e-1", "+1", "--1", "1.2.3"));
        return out;
    }

    private static String f0() {
        return ".50";
    }

    @Test
    void boundedNumbersAreExactlyInRangeAndIntegersAreAllThere() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int trial = 0; trial < 300; trial++) {
            boolean integer = rnd.nextBoolean();
            BigDecimal lo = rnd.nextInt(4) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(-60, 60), rnd.nextInt(2));
            BigDecimal hi = rnd.nextInt(4) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(-60, 60), rnd.nextInt(2));
            if (lo == null && hi == null) continue;
            if (lo != null && hi != null && lo.compareTo(hi) > 0) continue;
            boolean loEx = rnd.nextBoolean(), hiEx = rnd.nextBoolean();
            Dfa dfa;
            try {
                dfa = Dfa.of(Numbers.range(integer, lo, loEx, hi, hiEx));
            } catch (UnsupportedSchemaException e) {
                continue; // an empty range (checked below for integers)
            }
            String what = (integer ? "integer " : "number ") + (loEx ? "(" : "[") + lo + ", " + hi + (hiEx ? ")" : "]");
            for (String s : candidates()) {
                boolean canonical = s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?") && !(integer && s.contains("."));
                boolean inRange = canonical && in(new BigDecimal(s), lo, loEx, hi, hiEx);
                if (dfa.matches(s)) assertTrue(inRange, what + " accepts " + s);
                if (canonical && !s.contains(".") && !s.equals("-0") && inRange) assertTrue(dfa.matches(s), what + " refuses the integer " + s);
            }
        }
    }

    private static boolean in(BigDecimal v, BigDecimal lo, boolean loEx, BigDecimal hi, boolean hiEx) {
        if (lo != null && (loEx ? v.compareTo(lo) <= 0 : v.compareTo(lo) < 0)) return false;
        return hi == null || (hiEx ? v.compareTo(hi) < 0 : v.compareTo(hi) <= 0);
    }

    @Test
    void unboundedNumbersAreJsonNumbers() {
        Dfa any = Dfa.of(Numbers.any());
        for (String s : candidates()) {
            boolean json = s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
            if (any.matches(s)) assertTrue(json, s);
        }
        assertTrue(any.matches("-12.5e-3"));
        assertTrue(Dfa.of(Numbers.integer()).matches("-0"));
    }

    @Test
    void patternsMatchWhatJavaRegexFinds() {
        String[] patterns = {"^[a-c]{2,3}$", "ab+c", "^a|b$", "(?:ab|c)*d", "^\\d{2}-\\w+$", "[^abc]", "^x?y*z+$", "a.c",
                "^(a|bc){2}$", "^[\\s\\d]+$", "c$", "^\\x61\\u0062$", "^[a\\-c]+$", "b{2,}"};
        char[] alphabet = {'a', 'b', 'c', 'd', 'x', 'y', 'z', '1', '2', '-', ' ', '_', '\n'};
        SplittableRandom rnd = new SplittableRandom(3);
        for (String p : patterns) {
            Dfa dfa = Dfa.of(Regexes.pattern(p));
            Pattern java = Pattern.compile(p.replace("$", "\\z")); // ECMA's $ is the end only
            for (int n = 0; n < 3000; n++) {
                StringBuilder s = new StringBuilder();
                int len = rnd.nextInt(7);
                for (int i = 0; i < len; i++) s.append(alphabet[rnd.nextInt(alphabet.length)]);
                assertEquals(java.matcher(s).find(), dfa.matches(s), p + " on \"" + s + "\"");
            }
        }
    }

    @Test
    void formatsAcceptTheirPlainForm() {
        assertTrue(Dfa.of(Regexes.format("date-time")).matches("2026-12-07T23:51:06Z"));
        assertTrue(Dfa.of(Regexes.format("date-time")).matches("2024-02-29T00:00:00.5+05:30"));
        assertTrue(!Dfa.of(Regexes.format("date")).matches("2023-02-29"), "not a leap year");
        assertTrue(!Dfa.of(Regexes.format("date")).matches("2026-04-31"));
        assertTrue(Dfa.of(Regexes.format("uuid")).matches("123e4567-e89b-12d3-a456-426614174000"));
        assertTrue(Dfa.of(Regexes.format("ipv4")).matches("192.168.0.255"));
        assertTrue(!Dfa.of(Regexes.format("ipv4")).matches("256.1.1.1"));
    }
}
