package ai.ominix.mlx;

import ai.ominix.mlx.c.CString;
import ai.ominix.mlx.c.CSymbols;
import ai.ominix.mlx.c.CTypes;
import ai.ominix.mlx.c.CVersion;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.logging.Logger;

/**
 * The loaded mlx-c library. Loading happens once, on first use of any binding: the library is
 * located ({@link LibraryLocator}), checked to export every symbol the bindings use, and MLX's
 * error handler is replaced <em>before any other mlx-c call</em> (the default handler calls
 * {@code exit()}, which would kill the JVM). With our handler installed a failing call returns
 * non-zero and {@link #check} turns it into an {@link MlxException} carrying MLX's message.
 *
 * <p>The library and the handler's upcall stub live in the global arena: a loaded native library
 * cannot be unloaded safely (MLX keeps threads and static state), so both last for the process.
 */
public final class MlxLibrary {

    private static final Logger LOG = Logger.getLogger(MlxLibrary.class.getName());
    private static final ThreadLocal<String> LAST_ERROR = new ThreadLocal<>();

    private MlxLibrary() {}

    /** Holder: initialized on first use; never throws from its initializer. */
    private static final class Loaded {
        static final Path PATH;
        static final SymbolLookup LOOKUP;
        static final MlxUnavailableException FAILURE;

        static {
            Path path = null;
            SymbolLookup lookup = null;
            MlxUnavailableException failure = null;
            try {
                LibraryLocator locator = LibraryLocator.system();
                var found = locator.find();
                if (found.isEmpty()) throw new MlxUnavailableException(locator.notFoundMessage());
                path = found.get().file();
                lookup = open(path);
                installErrorHandler(lookup);
                Path loaded = path;
                LOG.fine(() -> "loaded mlx-c from " + loaded);
            } catch (MlxUnavailableException e) {
                failure = e;
            } catch (RuntimeException | LinkageError e) {
                failure = new MlxUnavailableException("cannot load mlx-c from " + path + ": " + e, e);
            }
            PATH = failure == null ? path : null;
            LOOKUP = failure == null ? lookup : null;
            FAILURE = failure;
        }
    }

    private static SymbolLookup open(Path path) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new MlxUnavailableException("cannot load " + path + ": " + loaderReason(path, e) + ". "
                    + LibraryLocator.HOW_TO_BUILD, e);
        }
        List<String> missing = CSymbols.ALL.stream().filter(s -> lookup.find(s).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new MlxUnavailableException(path + " is not mlx-c 0.6.0: it lacks " + missing.size()
                    + " of the " + CSymbols.ALL.size() + " functions these bindings use, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())) + ". " + LibraryLocator.HOW_TO_BUILD);
        }
        return lookup;
    }

    /**
     * The dynamic loader's own reason (e.g. "libmlx.so: cannot open shared object file", "invalid
     * ELF header"): libraryLookup only says it could not open the file, System.load reports dlerror.
     */
    private static String loaderReason(Path path, IllegalArgumentException e) {
        try {
            System.load(path.toAbsolutePath().toString());
            return e.getMessage();
        } catch (UnsatisfiedLinkError detail) {
            return detail.getMessage();
        }
    }

    private static void installErrorHandler(SymbolLookup lookup) throws LinkageError {
        Linker linker = Linker.nativeLinker();
        try {
            MethodHandle onError = MethodHandles.lookup().findStatic(MlxLibrary.class, "onError",
                    MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = linker.upcallStub(onError,
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS), Arena.global());
            MethodHandle set = linker.downcallHandle(lookup.find("mlx_set_error_handler").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            set.invokeExact(stub, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new MlxUnavailableException("cannot install the mlx-c error handler: " + t, t);
        }
    }

    /** The error handler (an upcall): remembers the message for the failing call's thread. Must not throw. */
    private static void onError(MemorySegment msg, MemorySegment data) {
        try {
            String text = msg.equals(MemorySegment.NULL) ? "(no message)" : msg.reinterpret(1 << 16).getString(0);
            // mlx-c appends " at <its source file>:<line>", which says nothing to our users.
            LAST_ERROR.set(text.replaceFirst(" at \\S+\\.cpp:\\d+$", ""));
        } catch (Throwable t) {
            LAST_ERROR.set("(unreadable MLX error message)");
        }
    }

    /** Whether mlx-c can be used in this process (loads it on first call). */
    public static boolean isAvailable() {
        return Loaded.FAILURE == null;
    }

    /** Why mlx-c cannot be used, or null when it can. */
    public static String unavailableReason() {
        return Loaded.FAILURE == null ? null : Loaded.FAILURE.getMessage();
    }

    /** Loads mlx-c if needed; throws {@link MlxUnavailableException} (with where we looked) when it cannot. */
    public static void require() {
        if (Loaded.FAILURE != null) throw new MlxUnavailableException(Loaded.FAILURE.getMessage(), Loaded.FAILURE);
    }

    /** The file the library was loaded from. */
    public static Path path() {
        require();
        return Loaded.PATH;
    }

    /** MLX's version string (e.g. "0.31.1"). */
    public static String mlxVersion() {
        require();
        return readString("mlx_version", CVersion::mlx_version);
    }

    /**
     * The text an mlx-c call writes into an {@code mlx_string} out-parameter ({@code call} returns
     * the status); the string is freed before returning.
     */
    static String readString(String name, ToIntFunction<MemorySegment> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment str = arena.allocate(CTypes.mlx_string);
            check(call.applyAsInt(str), name);
            try {
                return CString.mlx_string_data(str).reinterpret(Long.MAX_VALUE).getString(0);
            } finally {
                CString.mlx_string_free(str);
            }
        }
    }

    /** A downcall handle for an mlx-c function (used by the generated bindings in {@code ai.ominix.mlx.c}). */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        require();
        MemorySegment symbol = Loaded.LOOKUP.find(name)
                .orElseThrow(() -> new MlxUnavailableException(Loaded.PATH + " has no symbol " + name));
        return Linker.nativeLinker().downcallHandle(symbol, descriptor);
    }

    /** Throws {@link MlxException} with MLX's message when an mlx-c call returned non-zero. */
    public static void check(int status, String call) {
        if (status != 0) throw new MlxException(call + " failed: " + takeLastError());
    }

    /** The message of the last MLX error on this thread (cleared by reading). */
    static String takeLastError() {
        String m = LAST_ERROR.get();
        LAST_ERROR.remove();
        return m == null ? "(MLX reported no message)" : m;
    }

    /** For generated bindings: a downcall threw, which only a broken binding can cause. */
    public static RuntimeException unexpected(String function, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new MlxException("call to " + function + " failed: " + t, t);
    }
}
