package ai.ominix.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validated reads of request fields. Every failure is a 400 naming the parameter. Numbers
 * and booleans may also arrive as text (multipart form fields are always text).
 */
public final class Fields {
    /** Longest client value echoed back in an error message. */
    private static final int ECHO_LIMIT = 80;

    private Fields() {}

    public static String optString(ObjectNode obj, String name, int maxLength) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw invalid(name, "must be a string");
        String s = n.asText();
        if (s.length() > maxLength) throw invalid(name, "is longer than " + maxLength + " characters");
        return s;
    }

    public static Double optNumber(ObjectNode obj, String name, double min, double max) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) return null;
        double v;
        if (n.isNumber()) {
            v = n.asDouble();
        } else if (n.isTextual()) {
            try {
                v = Double.parseDouble(n.asText().strip());
            } catch (NumberFormatException e) {
                throw invalid(name, "must be a number, got '" + echo(n.asText()) + "'");
            }
        } else {
            throw invalid(name, "must be a number");
        }
        if (!(v >= min && v <= max)) throw invalid(name, "must be between " + min + " and " + max);
        return v;
    }

    public static Long optInteger(ObjectNode obj, String name, long min, long max) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) return null;
        long v;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            v = n.asLong();
        } else if (n.isTextual()) {
            try {
                v = Long.parseLong(n.asText().strip());
            } catch (NumberFormatException e) {
                throw invalid(name, "must be an integer, got '" + echo(n.asText()) + "'");
            }
        } else {
            throw invalid(name, "must be an integer");
        }
        if (v < min || v > max) throw invalid(name, "must be between " + min + " and " + max);
        return v;
    }

    public static boolean optBoolean(ObjectNode obj, String name, boolean fallback) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) return fallback;
        if (n.isBoolean()) return n.asBoolean();
        if (n.isTextual()) {
            String s = n.asText().strip();
            if (s.equalsIgnoreCase("true")) return true;
            if (s.equalsIgnoreCase("false")) return false;
        }
        throw invalid(name, "must be true or false");
    }

    /** A string or an array of strings (OpenAI {@code stop}); empty list when absent. */
    public static List<String> optStrings(ObjectNode obj, String name, int maxItems, int maxLength) {
        JsonNode n = obj.get(name);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) return out;
        if (n.isTextual()) {
            out.add(n.asText());
        } else if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isTextual()) throw invalid(name, "must be a string or an array of strings");
                out.add(e.asText());
            }
        } else {
            throw invalid(name, "must be a string or an array of strings");
        }
        if (out.size() > maxItems) throw invalid(name, "has more than " + maxItems + " entries");
        for (String s : out) {
            if (s.isEmpty() || s.length() > maxLength) {
                throw invalid(name, "entries must be 1 to " + maxLength + " characters");
            }
        }
        return out;
    }

    public static ApiException invalid(String name, String what) {
        return ApiException.badRequest("invalid_parameter", name, "'" + name + "' " + what);
    }

    /** A client-supplied value, shortened for inclusion in an error message. */
    public static String echo(String value) {
        if (value == null) return "";
        String s = value.replaceAll("\\p{Cntrl}", "?");
        return s.length() <= ECHO_LIMIT ? s : s.substring(0, ECHO_LIMIT) + "...";
    }
}
