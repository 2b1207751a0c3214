package ai.ominix.generate.json;

import dk.brics.automaton.Automaton;

/**
 * JSON-schema {@code pattern}s (ECMA-262 regular expressions, matched anywhere in the string
 * unless anchored) and {@code format}s as automata over UTF-16 units. The regular subset is
 * supported: alternation, groups, classes and the {@code \d \w \s} escapes, every quantifier
 * (lazy ones match the same strings); lookarounds, backreferences and word boundaries are not
 * regular and are refused.
 */
final class Regexes {
    /** Any UTF-16 unit but a surrogate: constrained strings hold BMP characters only, so lengths are code points. */
    static final Automaton BMP_CHAR = Automaton.makeCharRange('\u0000', '\uD7FF').union(Automaton.makeCharRange('\uE000', '\uFFFF'));

    private static final String HOUR = "([01][0-9]|2[0-3])";
    private static final String MINUTE = "[0-5][0-9]";
    private static final String DATE = "([0-9]{4}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
            + "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29)";
    private static final String TIME = HOUR + ":" + MINUTE + ":" + MINUTE + "(\\.[0-9]{1,6})?(Z|[+\\-]" + HOUR + ":" + MINUTE + ")";
    private static final String LABEL = "[a-z0-9]([a-z0-9\\-]{0,20}[a-z0-9])?";
    /** Mailbox validators check the top-level domain against the IANA list: the common ones only. */
    private static final String TLD = "(com|org|net|edu|gov|io|dev|app|ai|info|co|uk|de|fr|jp|cn|in|br|ca|au|eu|nl|ch|se|es|it)";
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

    private Regexes() {}

    /** The strings a JSON-schema {@code format} names, written in their plainest form. */
    static Automaton format(String format) {
        String re = switch (format) {
            case "date-time" -> DATE + "T" + TIME;
            case "date" -> DATE;
            case "time" -> TIME;
            case "uuid" -> "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
            case "email" -> "[a-z0-9]{1,20}(\\.[a-z0-9]{1,20}){0,2}@" + LABEL + "(\\." + LABEL + "){0,2}\\." + TLD;
            case "hostname" -> "(" + LABEL + "\\.){0,3}[a-z]([a-z0-9\\-]{0,20}[a-z0-9])?";
            case "ipv4" -> OCTET + "(\\." + OCTET + "){3}";
            default -> throw new UnsupportedSchemaException("format", "format \"" + format
                    + "\" is not supported (supported: date-time, date, time, uuid, email, hostname, ipv4)");
        };
        return pattern("^(" + re + ")$");
    }

    /** A {@code pattern}: the strings in which it finds a match. */
    static Automaton pattern(String regex) {
        Parser p = new Parser(regex);
        Automaton a = p.top();
        return a.intersection(BMP_CHAR.repeat());
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        private UnsupportedSchemaException unsupported(String what) {
            return new UnsupportedSchemaException("pattern", "pattern " + quote(s) + ": " + what + " is not supported");
        }

        /** Top-level alternatives, each anchored or not at either end. */
        Automaton top() {
            Automaton all = Automaton.makeEmpty();
            while (true) {
                boolean start = eat('^');
                Automaton a = sequence(true);
                boolean end = false;
                if (a == null) { // the sequence stopped at an unescaped $ that ends this alternative
                    end = true;
                    a = lastSequence;
                }
                if (!start) a = Automaton.makeAnyString().concatenate(a);
                if (!end) a = a.concatenate(Automaton.makeAnyString());
                all = all.union(a);
                if (i >= s.length()) return all;
                if (!eat('|')) throw unsupported("an unbalanced ')'");
            }
        }

        private Automaton lastSequence;

        /** Concatenated items up to '|', ')' or the end; at the top level a final '$' returns null (see lastSequence). */
        private Automaton sequence(boolean top) {
            Automaton a = Automaton.makeEmptyString();
            while (i < s.length() && s.charAt(i) != '|' && s.charAt(i) != ')') {
                if (s.charAt(i) == '$') {
                    i++;
                    if (top && (i == s.length() || s.charAt(i) == '|')) {
                        lastSequence = a;
                        return null;
                    }
                    throw unsupported("'$' before the end");
                }
                if (s.charAt(i) == '^') throw unsupported("'^' after the start");
                a = a.concatenate(quantified(atom()));
            }
            return a;
        }

        private Automaton alternation() {
            Automaton a = sequence(false);
            while (eat('|')) a = a.union(sequence(false));
            return a;
        }

        private Automaton quantified(Automaton a) {
            while (i < s.length()) {
                char c = s.charAt(i);
                Automaton q;
                if (c == '*') q = a.repeat();
                else if (c == '+') q = a.repeat(1);
                else if (c == '?') q = a.optional();
                else if (c == '{' && bounds() != null) {
                    int[] b = bounds();
                    i = b[2] - 1;
                    q = b[1] < 0 ? a.repeat(b[0]) : a.repeat(b[0], b[1]);
                } else return a;
                i++;
                eat('?'); // lazy: same language
                a = q;
            }
            return a;
        }

        /** {n}, {n,} or {n,m} at i: {min, max or -1, index after '}'}; null when '{' is a literal. */
        private int[] bounds() {
            int j = i + 1, min = 0, max;
            int d0 = j;
            while (j < s.length() && Character.isDigit(s.charAt(j))) j++;
            if (j == d0 || j >= s.length()) return null;
            min = Integer.parseInt(s.substring(d0, j));
            if (s.charAt(j) == '}') return new int[] {min, min, j + 1};
            if (s.charAt(j) != ',') return null;
            int d1 = ++j;
            while (j < s.length() && Character.isDigit(s.charAt(j))) j++;
            if (j >= s.length() || s.charAt(j) != '}') return null;
            max = j == d1 ? -1 : Integer.parseInt(s.substring(d1, j));
            if (max >= 0 && max < min) throw unsupported("a quantifier {" + min + "," + max + "}");
            if (Math.max(min, max) > 1000) throw unsupported("a quantifier over 1000");
            return new int[] {min, max, j + 1};
        }

        private Automaton atom() {
            char c = s.charAt(i++);
            switch (c) {
                case '(' -> {
                    if (s.startsWith("?:", i)) i += 2;
                    else if (i < s.length() && s.charAt(i) == '?') throw unsupported("a lookaround or named group");
                    Automaton a = alternation();
                    if (!eat(')')) throw unsupported("an unclosed '('");
                    return a;
                }
                case '[' -> {
                    return charClass();
                }
                case '.' -> {
                    return Automaton.makeAnyChar().minus(Automaton.makeCharSet("\n\r\u2028\u2029"));
                }
                case '\\' -> {
                    return escape(false);
                }
                case '*', '+', '?' -> throw unsupported("a quantifier with nothing to repeat");
                default -> {
                    return Automaton.makeChar(c);
                }
            }
        }

        private Automaton charClass() {
            boolean negate = eat('^');
            Automaton set = Automaton.makeEmpty();
            boolean first = true;
            while (i < s.length() && (s.charAt(i) != ']' || first)) {
                first = false;
                Automaton lo = classAtom();
                if (i + 1 < s.length() && s.charAt(i) == '-' && s.charAt(i + 1) != ']' && single(lo) >= 0) {
                    i++;
                    int hi = single(classAtom());
                    int from = single(lo);
                    if (hi < 0 || hi < from) throw unsupported("a class range");
                    set = set.union(Automaton.makeCharRange((char) from, (char) hi));
                } else {
                    set = set.union(lo);
                }
            }
            if (!eat(']')) throw unsupported("an unclosed '['");
            return negate ? Automaton.makeAnyChar().minus(set) : set;
        }

        private Automaton classAtom() {
            char c = s.charAt(i++);
            if (c != '\\') return Automaton.makeChar(c);
            return escape(true);
        }

        /** The one char an automaton accepts, or -1. */
        private static int single(Automaton a) {
            String one = a.getSingleton();
            if (one != null && one.length() == 1) return one.charAt(0);
            java.util.Set<String> strings = a.getFiniteStrings(2);
            if (strings != null && strings.size() == 1) {
                String only = strings.iterator().next();
                if (only.length() == 1) return only.charAt(0);
            }
            return -1;
        }

        private Automaton escape(boolean inClass) {
            if (i >= s.length()) throw unsupported("a trailing backslash");
            char c = s.charAt(i++);
            return switch (c) {
                case 'd' -> Automaton.makeCharRange('0', '9');
                case 'D' -> Automaton.makeAnyChar().minus(Automaton.makeCharRange('0', '9'));
                case 'w' -> word();
                case 'W' -> Automaton.makeAnyChar().minus(word());
                case 's' -> space();
                case 'S' -> Automaton.makeAnyChar().minus(space());
                case 'n' -> Automaton.makeChar('\n');
                case 'r' -> Automaton.makeChar('\r');
                case 't' -> Automaton.makeChar('\t');
                case 'f' -> Automaton.makeChar('\f');
                case 'v' -> Automaton.makeChar('\u000B');
                case '0' -> Automaton.makeChar('\0');
                case 'x' -> Automaton.makeChar((char) hex(2));
                case 'u' -> Automaton.makeChar((char) hex(4));
                case 'b' -> {
                    if (inClass) yield Automaton.makeChar('\b');
                    throw unsupported("a word boundary (\\b)");
                }
                case 'B' -> throw unsupported("\\B");
                case 'c', 'k', 'p', 'P' -> throw unsupported("\\" + c);
                default -> {
                    if (c >= '1' && c <= '9') throw unsupported("a backreference");
                    yield Automaton.makeChar(c);
                }
            };
        }

        private int hex(int digits) {
            if (i + digits > s.length()) throw unsupported("a short hex escape");
            try {
                int v = Integer.parseInt(s.substring(i, i + digits), 16);
                i += digits;
                return v;
            } catch (NumberFormatException e) {
                throw unsupported("a bad hex escape");
            }
        }

        private static Automaton word() {
            return Automaton.makeCharRange('a', 'z').union(Automaton.makeCharRange('A', 'Z'))
                    .union(Automaton.makeCharRange('0', '9')).union(Automaton.makeChar('_'));
        }

        private static Automaton space() {
            return Automaton.makeCharSet(" \t\n\r\f\u000B\u00A0\u1680\u2028\u2029\u202F\u205F\u3000\uFEFF")
                    .union(Automaton.makeCharRange('\u2000', '\u200A'));
        }

        private boolean eat(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }
}
