package ai.ominix.kernel;

import java.util.Arrays;

/**
 * A plain float64 reference for the kernel ops, written from the op definitions with nested loops
 * and no tricks, used only by tests. Arrays are row-major {@link Arr}s.
 */
public final class RefOps {

    private RefOps() {}

    /** A row-major float64 array. */
    public record Arr(int[] shape, double[] data) {
        public Arr {
            if (size(shape) != data.length) throw new IllegalArgumentException(data.length + " values for " + Arrays.toString(shape));
        }

        public double get(int... idx) {
            return data[index(shape, idx)];
        }

        public int rank() {
            return shape.length;
        }
    }

    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public static int index(int[] shape, int[] idx) {
        int i = 0;
        for (int d = 0; d < shape.length; d++) i = i * shape[d] + idx[d];
        return i;
    }

    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    public static Arr of(float[] v, int... shape) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return new Arr(shape.clone(), d);
    }

    // ---------------------------------------------------------------- elementwise

    public interface Fn2 {
        double apply(double a, double b);
    }

    public static Arr broadcast(Arr a, Arr b, Fn2 f) {
        int rank = Math.max(a.rank(), b.rank());
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromEnd(a.shape, rank - 1 - i), db = dimFromEnd(b.shape, rank - 1 - i);
            shape[i] = Math.max(da, db);
        }
        double[] out = new double[(int) size(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, shape);
            out[i] = f.apply(a.data[index(a.shape, pick(idx, a.shape))], b.data[index(b.shape, pick(idx, b.shape))]);
        }
        return new Arr(shape, out);
    }

    private static int dimFromEnd(int[] shape, int k) {
        return k < shape.length ? shape[shape.length - 1 - k] : 1;
    }

    private static int[] pick(int[] idx, int[] shape) {
        int[] r = new int[shape.length];
        int shift = idx.length - shape.length;
        for (int i = 0; i < shape.length; i++) r[i] = shape[i] == 1 ? 0 : idx[i + shift];
        return r;
    }

    public interface Fn1 {
        double apply(double a);
    }

    public static Arr map(Arr a, Fn1 f) {
        double[] out = new double[a.data.length];
        for (int i = 0; i < out.length; i++) out[i] = f.apply(a.data[i]);
        return new Arr(a.shape.clone(), out);
    }

    /** erf to ~1e-14: Taylor series below 3, continued fraction for erfc above, ±1 beyond 6. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (ax < 6) {
            double k = ax;
            for (int n = 80; n >= 1; n--) k = ax + (n / 2.0) / k;
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / k;
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }

    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    public static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    // ---------------------------------------------------------------- reductions

    public enum Red { SUM, MEAN, MAX, LOGSUMEXP, ARGMAX }

    public static Arr reduce(Arr a, int axis, boolean keepDims, Red kind) {
        int ax = axis < 0 ? axis + a.rank() : axis;
        int[] outShape = a.shape.clone();
        outShape[ax] = 1;
        double[] out = new double[(int) size(outShape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, outShape);
            int n = a.shape[ax];
            double[] v = new double[n];
            for (int j = 0; j < n; j++) {
                idx[ax] = j;
                v[j] = a.get(idx);
            }
            out[i] = switch (kind) {
                case SUM -> Arrays.stream(v).sum();
                case MEAN -> Arrays.stream(v).sum() / n;
                case MAX -> Arrays.stream(v).max().orElseThrow();
                case LOGSUMEXP -> {
                    double m = Arrays.stream(v).max().orElseThrow();
                    yield m + Math.log(Arrays.stream(v).map(x -> Math.exp(x - m)).sum());
                }
                case ARGMAX -> {
                    int best = 0;
                    for (int j = 1; j < n; j++) if (v[j] > v[best]) best = j;
                    yield best;
                }
            };
        }
        if (keepDims) return new Arr(outShape, out);
        int[] s = new int[a.rank() - 1];
        for (int i = 0, k = 0; i < a.rank(); i++) if (i != ax) s[k++] = a.shape[i];
        return new Arr(s, out);
    }

    public static Arr softmax(Arr a, int axis) {
        int ax = axis < 0 ? axis + a.rank() : axis;
        Arr lse = reduce(a, ax, true, Red.LOGSUMEXP);
        double[] out = new double[a.data.length];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, a.shape);
            idx[ax] = 0;
            out[i] = Math.exp(a.data[i] - lse.get(idx));
        }
        return new Arr(a.shape.clone(), out);
    }

    // ---------------------------------------------------------------- linear algebra

    /** [..., M, K] x [..., K, N] with broadcast batch dims; also returns Σ|a||b| per element in {@code abs}. */
    public static Arr matmul(Arr a, Arr b, double[][] absOut) {
        int ra = a.rank(), rb = b.rank();
        int m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
        Arr batchA = new Arr(Arrays.copyOf(a.shape, ra - 2), new double[(int) size(Arrays.copyOf(a.shape, ra - 2))]);
        Arr batchB = new Arr(Arrays.copyOf(b.shape, rb - 2), new double[(int) size(Arrays.copyOf(b.shape, rb - 2))]);
        int[] batch = broadcast(batchA, batchB, (x, y) -> 0).shape;
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        double[] out = new double[(int) size(shape)];
        double[] abs = new double[out.length];
        int nb = (int) size(batch);
        for (int t = 0; t < nb; t++) {
            int[] bi = unravel(t, batch);
            int oa = index(batchA.shape, pick(bi, batchA.shape)) * m * k;
            int ob = index(batchB.shape, pick(bi, batchB.shape)) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0, sa = 0;
                    for (int p = 0; p < k; p++) {
                        double x = a.data[oa + i * k + p], y = b.data[ob + p * n + j];
                        s += x * y;
                        sa += Math.abs(x * y);
                    }
                    out[(t * m + i) * n + j] = s;
                    abs[(t * m + i) * n + j] = sa;
                }
            }
        }
        if (absOut != null) absOut[0] = abs;
        return new Arr(shape, out);
    }

    public static Arr transpose2(Arr w) {
        int r = w.shape[0], c = w.shape[1];
        double[] out = new double[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) out[j * r + i] = w.data[i * c + j];
        return new Arr(new int[] {c, r}, out);
    }

    /** Logical W[r, c] of an MLX affine-quantized matrix, reading value c of row r from its bit stream. */
    public static Arr dequantize(int[] packed, float[] scales, float[] biases, int rows, int cols, int bits, int group) {
        int words = cols * bits / 32, groups = cols / group;
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int q = 0;
                for (int i = 0; i < bits; i++) {
                    int bit = c * bits + i;
                    int word = packed[r * words + bit / 32];
                    q |= ((word >>> (bit % 32)) & 1) << i;
                }
                int g = r * groups + c / group;
                out[r * cols + c] = (double) scales[g] * q + biases[g];
            }
        }
        return new Arr(new int[] {rows, cols}, out);
    }

    // ---------------------------------------------------------------- nn ops

    public static Arr rmsNorm(Arr x, double[] w, double eps) {
        int d = x.shape[x.rank() - 1];
        double[] out = new double[x.data.length];
        for (int r = 0; r < x.data.length / d; r++) {
            double ss = 0;
            for (int j = 0; j < d; j++) ss += x.data[r * d + j] * x.data[r * d + j];
            double inv = 1 / Math.sqrt(ss / d + eps);
            for (int j = 0; j < d; j++) out[r * d + j] = x.data[r * d + j] * inv * (w == null ? 1 : w[j]);
        }
        return new Arr(x.shape.clone(), out);
    }

    public static Arr layerNorm(Arr x, double[] w, double[] b, double eps) {
        int d = x.shape[x.rank() - 1];
        double[] out = new double[x.data.length];
        for (int r = 0; r < x.data.length / d; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < d; j++) mean += x.data[r * d + j];
            mean /= d;
            for (int j = 0; j < d; j++) var += (x.data[r * d + j] - mean) * (x.data[r * d + j] - mean);
            var /= d;
            for (int j = 0; j < d; j++) {
                out[r * d + j] = (x.data[r * d + j] - mean) / Math.sqrt(var + eps) * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
            }
        }
        return new Arr(x.shape.clone(), out);
    }

    public static Arr rope(Arr x, int dims, boolean traditional, double base, double scale, int offset) {
        int l = x.shape[x.rank() - 2], d = x.shape[x.rank() - 1];
        double[] out = x.data.clone();
        for (int row = 0; row < x.data.length / d; row++) {
            int pos = offset + row % l;
            for (int i = 0; i < dims / 2; i++) {
                double theta = scale * pos * Math.pow(base, -2.0 * i / dims);
                int a = traditional ? 2 * i : i, b = traditional ? 2 * i + 1 : i + dims / 2;
                double xa = x.data[row * d + a], xb = x.data[row * d + b];
                out[row * d + a] = xa * Math.cos(theta) - xb * Math.sin(theta);
                out[row * d + b] = xa * Math.sin(theta) + xb * Math.cos(theta);
            }
        }
        return new Arr(x.shape.clone(), out);
    }

    /** Attention with a full score matrix. {@code mask} is a [B, Hq, Lq, Lk] additive array or null. */
    public static Arr attention(Arr q, Arr k, Arr v, double scale, boolean causal, Arr mask) {
        int bsz = q.shape[0], hq = q.shape[1], lq = q.shape[2], d = q.shape[3];
        int hkv = k.shape[1], lk = k.shape[2], dv = v.shape[3];
        double[] out = new double[bsz * hq * lq * dv];
        for (int b = 0; b < bsz; b++) {
            for (int h = 0; h < hq; h++) {
                int kh = h / (hq / hkv);
                for (int i = 0; i < lq; i++) {
                    double[] s = new double[lk];
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        double dot = 0;
                        for (int x = 0; x < d; x++) dot += q.get(b, h, i, x) * k.get(b, kh, j, x);
                        s[j] = dot * scale;
                        if (mask != null) s[j] += mask.get(b, h, i, j);
                        if (causal && j > lk - lq + i) s[j] = Double.NEGATIVE_INFINITY;
                        m = Math.max(m, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lk; j++) sum += Math.exp(s[j] - m);
                    for (int x = 0; x < dv; x++) {
                        double acc = 0;
                        for (int j = 0; j < lk; j++) acc += Math.exp(s[j] - m) / sum * v.get(b, kh, j, x);
                        out[((b * hq + h) * lq + i) * dv + x] = acc;
                    }
                }
            }
        }
        return new Arr(new int[] {bsz, hq, lq, dv}, out);
    }

    /** Channels-last conv2d: x [N, H, W, Cin], w [Cout, KH, KW, Cin]. */
    public static Arr conv2d(Arr x, Arr w, double[] bias, int sh, int sw, int ph, int pw) {
        int n = x.shape[0], h = x.shape[1], wd = x.shape[2], cin = x.shape[3];
        int cout = w.shape[0], kh = w.shape[1], kw = w.shape[2];
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (wd + 2 * pw - kw) / sw + 1;
        double[] out = new double[n * oh * ow * cout];
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int co = 0; co < cout; co++) {
                        double s = bias == null ? 0 : bias[co];
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                for (int c = 0; c < cin; c++) s += x.get(b, iy, ix, c) * w.get(co, ky, kx, c);
                            }
                        out[((b * oh + oy) * ow + ox) * cout + co] = s;
                    }
        return new Arr(new int[] {n, oh, ow, cout}, out);
    }
}
