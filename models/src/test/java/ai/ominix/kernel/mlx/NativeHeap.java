package ai.ominix.kernel.mlx;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The C heap in use outside the JVM's own bookkeeping, for leak tests: glibc's count of allocated
 * bytes ({@code mallinfo2}: in-use chunks of every arena plus mmapped blocks) less what HotSpot's
 * native memory tracking attributes to the JVM itself (JIT arenas, GC, symbols, ...). The tracker's
 * "Other" category stays on our side: that is where FFM arenas allocate. Needs glibc and a JVM
 * started with {@code -XX:NativeMemoryTracking=summary}.
 */
final class NativeHeap {

    private static final Pattern TOTAL_MALLOC = Pattern.compile("(?m)^\\s*malloc: (\\d+)KB");
    private static final Pattern OTHER_MALLOC = Pattern.compile("\\(malloc=(\\d+)KB tag=Other ");

    private static final int ATTEMPTS = 20;

    private NativeHeap() {}

    /**
     * Bytes; -1 without glibc or without native memory tracking. The two counts are read at
     * different instants while JIT and GC threads keep allocating, so glibc's is taken between two
     * readings of the tracker, until both readings agree (no JVM allocation in between) or, after
     * {@value #ATTEMPTS} tries, from the try where they differed least.
     */
    static long outsideJvm() throws Throwable {
        long best = -1;
        long bestSpread = Long.MAX_VALUE;
        for (int i = 0; i < ATTEMPTS && bestSpread > 0; i++) {
            long before = jvmOwnMalloc();
            long malloc = mallocInUse();
            long after = jvmOwnMalloc();
            if (malloc < 0 || before < 0) return -1;
            long spread = Math.abs(after - before);
            if (spread < bestSpread) {
                bestSpread = spread;
                best = malloc - (before + after) / 2;
            }
        }
        return best;
    }

    /** glibc {@code mallinfo2()}: {@code uordblks + hblkhd}; -1 without glibc. */
    static long mallocInUse() throws Throwable {
        Linker linker = Linker.nativeLinker();
        var symbol = linker.defaultLookup().find("mallinfo2");
        if (symbol.isEmpty()) return -1;
        MemoryLayout[] fields = new MemoryLayout[10];
        Arrays.fill(fields, ValueLayout.JAVA_LONG);
        MethodHandle h = linker.downcallHandle(symbol.get(), FunctionDescriptor.of(MemoryLayout.structLayout(fields)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) h.invokeExact((SegmentAllocator) arena);
            return info.getAtIndex(ValueLayout.JAVA_LONG, 7) + info.getAtIndex(ValueLayout.JAVA_LONG, 4);
        }
    }

    /** The tracker's malloc total less its "Other" category, in bytes; -1 when tracking is off. */
    static long jvmOwnMalloc() throws Exception {
        String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
        Matcher total = TOTAL_MALLOC.matcher(summary);
        if (!total.find()) return -1;
        Matcher other = OTHER_MALLOC.matcher(summary);
        long otherKb = other.find() ? Long.parseLong(other.group(1)) : 0;
        return (Long.parseLong(total.group(1)) - otherKb) * 1024;
    }
}
