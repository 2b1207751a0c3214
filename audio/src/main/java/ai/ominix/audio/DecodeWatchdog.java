package ai.ominix.audio;

import ai.ominix.audio.decode.GuardedInput;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Runs a decode on its own daemon thread and gives up when it stops making progress (no input
 * read and no output produced for {@link #STALL_MILLIS}), so a decoder that loops on corrupt data
 * cannot hang the caller. A platform thread, not a virtual one: a runaway loop in a virtual thread
 * would pin its carrier for good.
 */
final class DecodeWatchdog {

    static final long STALL_MILLIS = Long.getLong("ominix.audio.stallMillis", 10_000);
    /** No codec comes near this many output frames per input byte (FLAC silence: ~6,500). */
    private static final long MAX_FRAMES_PER_BYTE = 1 << 16;

    @FunctionalInterface
    interface Task<T> {
        T run() throws Exception;
    }

    private DecodeWatchdog() {
    }

    static <T> T run(GuardedInput in, LongSupplier framesOut, String format, Task<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(task.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "audio-decode");
        worker.setDaemon(true);
        worker.start();
        long lastProgress = -1;
        long lastChange = System.nanoTime();
        while (true) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw AudioLoader.classify(e.getCause(), in, format);
            } catch (InterruptedException e) {
                abandon(in, worker);
                Thread.currentThread().interrupt();
                throw new CancellationException("audio decoding interrupted");
            } catch (TimeoutException e) {
                long bytes = in.bytesRead();
                long frames = framesOut.getAsLong();
                if (bytes > 0 && frames > MAX_FRAMES_PER_BYTE * (bytes + 65_536)) {
                    abandon(in, worker);
                    throw new AudioFormatException("corrupt " + format + " stream: " + frames
                            + " samples decoded from " + bytes + " bytes");
                }
                long progress = bytes + frames;
                long now = System.nanoTime();
                if (progress != lastProgress) {
                    lastProgress = progress;
                    lastChange = now;
                } else if (now - lastChange > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
                    abandon(in, worker);
                    throw new AudioFormatException("corrupt or stalled " + format + " stream: no progress for "
                            + STALL_MILLIS + " ms");
                }
            }
        }
    }

    private static void abandon(GuardedInput in, Thread worker) {
        in.cancel();
        worker.interrupt();
    }
}
