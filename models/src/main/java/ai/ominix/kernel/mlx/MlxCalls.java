package ai.ominix.kernel.mlx;

import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.Scope;
import ai.ominix.kernel.Tensor;
import ai.ominix.mlx.MlxArray;
import ai.ominix.mlx.MlxDType;
import ai.ominix.mlx.MlxException;
import ai.ominix.mlx.MlxOps;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * How {@link MlxBackend} crosses between kernel tensors and MLX arrays: ownership checks, f32
 * inputs, registration of every result in the caller's {@link Scope}, and MLX failures turned
 * into {@link KernelException}s carrying MLX's message.
 */
final class MlxCalls {

    private final MlxBackend backend;
    private final MlxOps ops;

    MlxCalls(MlxBackend backend, MlxOps ops) {
        this.backend = backend;
        this.ops = ops;
    }

    /** Runs an op and hands its result to the caller's scope. */
    Tensor op(Supplier<MlxArray> body) {
        return Scope.track(new MlxTensor(backend, run(body)));
    }

    /** Runs an mlx-c interaction, translating MLX failures. */
    <T> T run(Supplier<T> body) {
        try {
            return body.get();
        } catch (MlxException e) {
            throw new KernelException(e.getMessage(), e);
        }
    }

    MlxArray arr(Tensor t) {
        if (t instanceof MlxTensor m && m.backend() == backend) return m.array();
        throw new KernelException("tensor " + (t == null ? "null" : Tensor.describe(t)) + " does not belong to "
                + backend.name());
    }

    /**
     * A tensor's array as f32 for computing: its own handle, or a converted temporary released by
     * {@link #close}; {@code a} is null for a null (optional) tensor.
     */
    final class F32 implements AutoCloseable {
        final MlxArray a;
        private final boolean temporary;

        private F32(Tensor t) {
            MlxArray own = t == null ? null : arr(t);
            temporary = t != null && (t.dtype() == DType.F16 || t.dtype() == DType.BF16);
            a = temporary ? ops.astype(own, MlxDType.FLOAT32) : own;
        }

        @Override
        public void close() {
            if (temporary) a.close();
        }
    }

    F32 f32(Tensor t) {
        return new F32(t);
    }

    Tensor unary(Tensor x, UnaryOperator<MlxArray> f) {
        return op(() -> {
            try (F32 a = f32(x)) {
                return f.apply(a.a);
            }
        });
    }

    Tensor binary(Tensor x, Tensor y, BinaryOperator<MlxArray> f) {
        return op(() -> {
            try (F32 a = f32(x); F32 b = f32(y)) {
                return f.apply(a.a, b.a);
            }
        });
    }
}
