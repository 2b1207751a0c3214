package ai.ominix.models.qwen3asr;

import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Audio-encoder outputs of recent chunks, keyed by a SHA-256 of their samples: a file
 * transcribed again with other options (language, context, format) skips the log-mel and the
 * encoder, a third of a 30 s clip's time. The vectors are kept on the host and given back as
 * the same floats, so the transcript is the one a cold run gives. Bounded by bytes, least
 * recently used dropped first; chunks longer than {@value #MAX_SECONDS} s are not kept.
 */
final class EncoderCache {
    static final double MAX_SECONDS = 120;

    private record Key(byte[] digest) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(digest, k.digest);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(digest);
        }
    }

    private record Entry(float[] data, int[] shape) {
        long bytes() {
            return 4L * data.length;
        }
    }

    private final long budget;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;

    EncoderCache(long budget) {
        this.budget = budget;
    }

    /** Null when this chunk is not worth keeping (too long, or no budget). */
    Object key(float[] samples) {
        if (budget == 0 || samples.length > MAX_SECONDS * LongAudio.SAMPLE_RATE) return null;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < samples.length; ) {
                buf.clear();
                for (int j = 0; j < 4096 && i < samples.length; j++) buf.putFloat(samples[i++]);
                sha.update(buf.array(), 0, buf.position());
            }
            return new Key(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached vectors as a tensor of the caller's scope, or null. */
    synchronized Tensor get(Object key, Backend backend) {
        Entry e = key == null ? null : entries.get((Key) key);
        if (e == null) return null;
        hits++;
        return backend.fromArray(e.data, e.shape);
    }

    synchronized void put(Object key, Tensor audio, Backend backend) {
        if (key == null || entries.containsKey((Key) key)) return;
        Entry e = new Entry(backend.toFloatArray(audio), audio.shape());
        if (e.bytes() > budget) return;
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && bytes + e.bytes() > budget; ) {
            bytes -= it.next().bytes();
            it.remove();
        }
        entries.put((Key) key, e);
        bytes += e.bytes();
    }

    synchronized long hits() {
        return hits;
    }
}
