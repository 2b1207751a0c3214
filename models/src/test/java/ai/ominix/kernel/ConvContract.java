package ai.ominix.kernel;

import static ai.ominix.kernel.KernelContract.gauss;
import static ai.ominix.kernel.KernelContract.ref;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Channels-last convolutions with weights as MLX stores them ({@code [Cout, KH, KW, Cin]}, bf16
 * in checkpoints). At most 3·3·9 = 81 products per output: tolerance 1e-5 absolute + 1e-5 relative.
 */
public interface ConvContract extends KernelContract {

    private void conv2d(int n, int h, int w, int cin, int cout, int stride, int pad, DType wdt, long seed) {
        Random r = new Random(seed);
        float[] x = gauss(r, n * h * w * cin), k = gauss(r, cout * 9 * cin), b = gauss(r, cout);
        float[] ks = KernelContract.rounded(k, wdt), bs = KernelContract.rounded(b, wdt);
        RefOps.Arr want = RefOps.conv2d(ref(x, n, h, w, cin), ref(ks, cout, 3, 3, cin), KernelContract.toDouble(bs), stride, stride, pad, pad);
        Tensor got = be().conv2d(t(x, n, h, w, cin), t(wdt, k, cout, 3, 3, cin), t(wdt, b, cout), stride, stride, pad, pad);
        assertClose(want, got, 1e-5, 1e-5, "conv2d " + h + "x" + w + " cin " + cin + " cout " + cout + " " + wdt);
    }

    @Test
    default void conv2dStride2Pad1LikeTheAudioStem() {
        conv2d(2, 13, 9, 5, 7, 2, 1, DType.BF16, 61);
        conv2d(1, 16, 11, 1, 4, 2, 1, DType.F32, 62); // one input channel, as the first layer
        conv2d(1, 8, 7, 33, 70, 2, 1, DType.BF16, 63); // more outputs than one GEMM panel
        conv2d(1, 6, 5, 3, 2, 1, 0, DType.F32, 64);
    }

    @Test
    default void conv1dChannelsLast() {
        Random r = new Random(65);
        int n = 2, l = 19, cin = 6, cout = 5, kw = 3;
        float[] x = gauss(r, n * l * cin), k = gauss(r, cout * kw * cin), b = gauss(r, cout);
        for (int[] sp : new int[][] {{1, 1}, {2, 0}, {3, 2}}) {
            // conv1d is conv2d with H = 1
            RefOps.Arr want2d = RefOps.conv2d(ref(x, n, 1, l, cin), ref(k, cout, 1, kw, cin), KernelContract.toDouble(b), 1, sp[0], 0, sp[1]);
            RefOps.Arr want = new RefOps.Arr(new int[] {n, want2d.shape()[2], cout}, want2d.data());
            assertClose(want, be().conv1d(t(x, n, l, cin), t(k, cout, kw, cin), t(b, cout), sp[0], sp[1]), 1e-5, 1e-5,
                    "conv1d stride " + sp[0] + " pad " + sp[1]);
        }
        RefOps.Arr noBias = RefOps.conv2d(ref(x, n, 1, l, cin), ref(k, cout, 1, kw, cin), null, 1, 1, 0, 0);
        assertClose(new RefOps.Arr(new int[] {n, l - 2, cout}, noBias.data()), be().conv1d(t(x, n, l, cin), t(k, cout, kw, cin), null, 1, 0),
                1e-5, 1e-5, "conv1d without bias");
    }
}
