package ai.ominix.server.engine;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as users write them ({@code 12g}, {@code 12GB}, {@code 1.5GiB}, {@code 800M}, bytes) and read them. */
public final class Bytes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?");
    /** Share of physical memory the loaded models may plan to take unless --max-memory says otherwise. */
    public static final double DEFAULT_BUDGET_SHARE = 0.8;

    private Bytes() {}

    /** Binary units throughout: 1k = 1024 (as {@code ollama}'s and the JVM's sizes are). */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 12g, 12GB, 1.5GiB, 800M or a number of bytes");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
    }

    public static String human(long bytes) {
        if (bytes < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /** {@value #DEFAULT_BUDGET_SHARE} of physical memory (unified memory on Apple Silicon). */
    public static long defaultBudget() {
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return (long) (physical * DEFAULT_BUDGET_SHARE);
    }
}
