package ai.ominix.kernel;

import java.util.ArrayList;

/**
 * Owner of the tensors that ops create on one thread between {@link #open()} and {@link #close()}
 * (a per-step or per-request arena). Scopes nest; closing one releases everything it still
 * holds. A tensor that must outlive the scope is {@link #keep kept} (moved to the enclosing
 * scope) or {@link #detach detached} (the caller owns it, e.g. a KV cache).
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor logits = model.forward(tokens, cache);   // intermediates die with the scope
 *     return ops.toFloatArray(logits);
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread owner;
    private final ArrayList<Tensor> tensors = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
        this.owner = Thread.currentThread();
    }

    /** Opens a scope nested in the current thread's innermost scope. */
    public static Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static Scope current() {
        return CURRENT.get();
    }

    /** Called by backends for every tensor an op returns. No scope open: the caller owns it. */
    public static <T extends Tensor> T track(T t) {
        Scope s = CURRENT.get();
        if (s != null) s.tensors.add(t);
        return t;
    }

    /** Moves {@code t} from this scope to the enclosing one (or to the caller when there is none). */
    public <T extends Tensor> T keep(T t) {
        checkOwner();
        if (remove(t) && parent != null) parent.tensors.add(t);
        return t;
    }

    /** Takes {@code t} out of every open scope of this thread: the caller now owns it. */
    public static <T extends Tensor> T detach(T t) {
        for (Scope s = CURRENT.get(); s != null; s = s.parent) {
            if (s.remove(t)) break;
        }
        return t;
    }

    private boolean remove(Tensor t) {
        for (int i = tensors.size() - 1; i >= 0; i--) {
            if (tensors.get(i) == t) {
                tensors.set(i, tensors.get(tensors.size() - 1));
                tensors.removeLast();
                return true;
            }
        }
        return false;
    }

    /** Number of tensors this scope would release now (for leak tests). */
    public int held() {
        return tensors.size();
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("scope used from another thread");
        }
    }

    @Override
    public void close() {
        if (closed) return;
        checkOwner();
        if (CURRENT.get() != this) {
            throw new IllegalStateException("scopes must be closed innermost first");
        }
        closed = true;
        CURRENT.set(parent);
        RuntimeException first = null;
        for (int i = tensors.size() - 1; i >= 0; i--) {
            try {
                tensors.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        tensors.clear();
        if (first != null) throw first;
    }
}
