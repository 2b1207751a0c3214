package ai.ominix.kernel;

import static ai.ominix.kernel.KernelContract.gauss;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Ownership of op results (scopes), no growth over many steps, and concurrent use from two threads. */
public interface ScopeContract extends KernelContract {

    @Test
    default void scopesOwnResultsUntilKeptOrDetached() {
        Tensor kept, detached, dropped;
        Tensor outer = t(new float[] {1, 2, 3}, 3);
        try (Scope s = Scope.open()) {
            dropped = be().exp(outer);
            kept = s.keep(be().scale(outer, 2f));
            detached = Scope.detach(be().addScalar(outer, 1f));
            assertEquals(1, s.held());
        }
        assertTrue(dropped.isClosed());
        assertFalse(kept.isClosed());
        assertFalse(detached.isClosed());
        assertArrayEquals(new float[] {2, 4, 6}, get(kept));
        assertArrayEquals(new float[] {2, 3, 4}, get(detached));
        detached.close();
        assertTrue(detached.isClosed());
        assertThrows(KernelException.class, () -> be().exp(dropped));
    }

    /** A decode-like step: projections, RoPE, a KV cache that grows in place, attention, a norm. */
    private float[] step(Tensor cache, Tensor w, int pos, float[] x) {
        Tensor h = t(x, 1, 1, 64);
        Tensor q = be().reshape(be().linear(h, w, null), 1, 1, 2, 32);
        q = be().rope(be().transpose(q, 0, 2, 1, 3), 32, false, 10000f, 1f, pos);
        be().sliceUpdate(cache, be().slice(q, 1, 0, 1), 2, pos);
        Tensor kv = be().slice(cache, 2, 0, pos + 1);
        Tensor o = be().scaledDotProductAttention(q, kv, kv, 0.2f, AttentionMask.causal());
        Tensor y = be().rmsNorm(be().reshape(be().transpose(o, 0, 2, 1, 3), 1, 1, 64), null, 1e-6f);
        be().eval(y);
        return get(be().softmax(y, -1));
    }

    @Test
    default void manyScopedStepsDoNotGrowNativeMemory() {
        Random r = new Random(71);
        Tensor w = t(gauss(r, 64 * 64), 64, 64);
        Tensor cache = be().zeros(DType.F32, 1, 1, 300, 32);
        long[] live = new long[300];
        for (int i = 0; i < 300; i++) {
            try (Scope s = Scope.open()) {
                step(cache, w, i, gauss(r, 64));
            }
            live[i] = be().memoryStats().activeBytes();
        }
        Assumptions.assumeTrue(live[0] >= 0, "backend reports no memory statistics");
        for (int i = 10; i < 300; i++) assertEquals(live[9], live[i], "live native bytes after step " + i);
    }

    @Test
    default void twoThreadsWithTheirOwnScopesGetTheSameResults() throws Exception {
        Random r = new Random(72);
        Tensor w = Scope.detach(t(gauss(r, 64 * 64), 64, 64));
        float[][] inputs = new float[40][];
        for (int i = 0; i < inputs.length; i++) inputs[i] = gauss(r, 64);
        Callable<List<float[]>> run = () -> {
            List<float[]> out = new ArrayList<>();
            try (Scope s = Scope.open()) {
                Tensor cache = be().zeros(DType.F32, 1, 1, inputs.length, 32);
                for (int i = 0; i < inputs.length; i++) {
                    try (Scope st = Scope.open()) {
                        out.add(step(cache, w, i, inputs[i]));
                    }
                }
            }
            return out;
        };
        List<float[]> single = run.call();
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            Future<List<float[]>> a = ex.submit(run), b = ex.submit(run);
            List<float[]> ra = a.get(), rb = b.get();
            for (int i = 0; i < single.size(); i++) {
                assertArrayEquals(single.get(i), ra.get(i), "thread A step " + i);
                assertArrayEquals(single.get(i), rb.get(i), "thread B step " + i);
            }
        } finally {
            ex.shutdownNow();
            w.close();
        }
    }
}
