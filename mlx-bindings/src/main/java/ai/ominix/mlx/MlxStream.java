package ai.ominix.mlx;

import static ai.ominix.mlx.c.CTypes.C_POINTER;

import ai.ominix.mlx.c.CDevice;
import ai.ominix.mlx.c.CStream;
import ai.ominix.mlx.c.CTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An MLX stream handle ({@code mlx_stream}): the queue ops are recorded on. Owned by whoever
 * opened it; closing releases the handle (MLX itself keeps the stream's worker).
 */
public final class MlxStream implements AutoCloseable {

    private final MemorySegment handle = MemorySegment.ofArray(new long[1]);
    private final MlxDevice device;

    private MlxStream(long ctx, MlxDevice device) {
        if (ctx == 0) throw new MlxException("mlx-c returned an empty stream");
        handle.set(ValueLayout.JAVA_LONG, 0, ctx);
        this.device = device;
    }

    /** The default stream of {@code device}. */
    public static MlxStream defaultFor(MlxDevice device) {
        MlxLibrary.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dev = CDevice.mlx_device_new_type(arena, device.code(), device.index());
            try {
                MemorySegment out = arena.allocate(CTypes.mlx_stream);
                MlxLibrary.check(CStream.mlx_get_default_stream(out, dev), "mlx_get_default_stream(" + device + ")");
                return new MlxStream(out.get(C_POINTER, 0).address(), device);
            } finally {
                CDevice.mlx_device_free(dev);
            }
        }
    }

    public MlxDevice device() {
        return device;
    }

    /** Blocks until everything queued on this stream has run. */
    public void synchronize() {
        MlxLibrary.check(CStream.mlx_synchronize(handle()), "mlx_synchronize");
    }

    MemorySegment handle() {
        if (handle.get(ValueLayout.JAVA_LONG, 0) == 0) throw new IllegalStateException("MLX stream used after close");
        return handle;
    }

    @Override
    public void close() {
        if (handle.get(ValueLayout.JAVA_LONG, 0) == 0) return;
        int status = CStream.mlx_stream_free(handle);
        handle.set(ValueLayout.JAVA_LONG, 0, 0L);
        MlxLibrary.check(status, "mlx_stream_free");
    }

    @Override
    public String toString() {
        return "MlxStream[" + device + "]";
    }
}
