package ai.ominix.nn;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.DType;
import ai.ominix.kernel.KernelException;
import ai.ominix.kernel.QuantizedWeight;
import ai.ominix.kernel.Tensor;
import ai.ominix.kernel.Weights;

/**
 * Token embedding table {@code E [vocab, dim]}, dense or MLX-quantized. {@link #asLinear} gives
 * {@code x·Eᵀ}, the tied output projection (mlx-lm {@code embed_tokens.as_linear}).
 */
public sealed interface Embedding permits Embedding.Dense, Embedding.Quantized {

    /** Rows for {@code ids [n]} (I32) as f32 {@code [n, dim]}. */
    Tensor lookup(Tensor ids);

    /** {@code x [..., dim] -> [..., vocab]}. */
    Tensor asLinear(Tensor x);

    int vocabSize();

    int dim();

    static Embedding load(Weights w, String prefix, int dim) {
        if (w.contains(prefix + ".scales")) {
            return new Quantized(Quant.load(w, prefix, dim));
        }
        Tensor table = w.get(prefix + ".weight");
        if (table.rank() != 2 || table.dim(1) != dim) {
            throw new KernelException(prefix + ".weight is " + Tensor.describe(table) + ", expected [vocab, " + dim + "]");
        }
        return new Dense(table);
    }

    record Dense(Tensor table) implements Embedding {
        @Override
        public Tensor lookup(Tensor ids) {
            Backend b = ids.backend();
            Tensor rows = b.take(table, ids, 0);
            return rows.dtype() == DType.F32 ? rows : b.astype(rows, DType.F32);
        }

        @Override
        public Tensor asLinear(Tensor x) {
            return x.backend().linear(x, table, null);
        }

        @Override
        public int vocabSize() {
            return table.dim(0);
        }

        @Override
        public int dim() {
            return table.dim(1);
        }
    }

    record Quantized(QuantizedWeight table) implements Embedding {
        @Override
        public Tensor lookup(Tensor ids) {
            Backend b = ids.backend();
            QuantizedWeight rows = new QuantizedWeight(b.take(table.packed(), ids, 0),
                    b.take(table.scales(), ids, 0), b.take(table.biases(), ids, 0),
                    table.groupSize(), table.bits());
            return b.dequantize(rows);
        }

        @Override
        public Tensor asLinear(Tensor x) {
            return x.backend().quantizedMatmul(x, table);
        }

        @Override
        public int vocabSize() {
            return table.outFeatures();
        }

        @Override
        public int dim() {
            return table.inFeatures();
        }
    }
}
